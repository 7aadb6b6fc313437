package dev.losscompare.harness;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.eclipse.jgit.api.Git;
import org.eclipse.jgit.lib.PersonIdent;
import org.eclipse.jgit.revwalk.RevCommit;

/**
 * A temporary git repository whose trainer is the scripted fixture (test resource
 * fixture/run_train.sh), plus a private cache, and a way to run the harness in it in-process.
 */
final class FixtureRepo implements AutoCloseable {
    final Path dir;
    final Path cache;
    final Path outputs;
    final Git git;
    private final AtomicInteger runs = new AtomicInteger();

    private FixtureRepo(Path dir, Path cache, Path outputs, Git git) {
        this.dir = dir;
        this.cache = cache;
        this.outputs = outputs;
        this.git = git;
    }

    /** A repository with one commit: fixture trainer, config, init.txt=1, lr.txt=0.1. */
    static FixtureRepo create(Path tmp) throws Exception {
        return create(tmp, tmp.resolve("cache"));
    }

    static FixtureRepo create(Path tmp, Path cache) throws Exception {
        Path dir = Files.createDirectories(tmp.resolve("repo"));
        Git git = Git.init().setDirectory(dir.toFile()).setInitialBranch("main").call();
        FixtureRepo r = new FixtureRepo(dir, cache, Files.createDirectories(tmp.resolve("outputs")), git);
        try (InputStream in = FixtureRepo.class.getResourceAsStream("/fixture/run_train.sh")) {
            r.write("trainer/run_train.sh", new String(in.readAllBytes(), StandardCharsets.UTF_8));
        }
        Files.setPosixFilePermissions(dir.resolve("trainer/run_train.sh"), PosixFilePermissions.fromString("rwxr-xr-x"));
        r.write("configs/llama3_debug.toml", "[model]\nname = \"llama3\"\nflavor = \"debugmodel\"\n");
        r.write("init.txt", "1\n");
        r.write("lr.txt", "0.1\n");
        r.write("README.md", "fixture\n");
        r.write(".gitignore", "ignored/\n*.bin\n");
        r.commit("base");
        return r;
    }

    void write(String path, String content) throws IOException {
        Path p = dir.resolve(path);
        Files.createDirectories(p.getParent());
        Files.writeString(p, content);
    }

    RevCommit commit(String message) throws Exception {
        git.add().addFilepattern(".").call();
        git.add().addFilepattern(".").setUpdate(true).call();
        PersonIdent who = new PersonIdent("Test", "test@example.invalid");
        return git.commit().setMessage(message).setAuthor(who).setCommitter(who).setSign(false).call();
    }

    /** Runs the harness with cwd = the repository; adds an output folder unless one is given. */
    Result run(String... args) {
        List<String> all = new ArrayList<>(Arrays.asList(args));
        Path out = null;
        if (all.stream().noneMatch(a -> a.startsWith("--output-folder")) && !List.of("report", "gate").contains(all.get(0))) {
            out = outputs.resolve("run-" + runs.incrementAndGet());
            all.add("--output-folder=" + out);
        }
        HarnessRun r = HarnessRun.at(dir, Map.of("LOSS_COMPARE_CACHE", cache.toString()), all.toArray(String[]::new));
        return new Result(r.exit(), r.out(), r.err(), out);
    }

    /** Lines the fixture trainer logged to the cache's calls.log (one per invocation). */
    List<String> calls() throws IOException {
        Path f = cache.resolve("calls.log");
        return Files.exists(f) ? Files.readAllLines(f) : List.of();
    }

    long buildCalls() throws IOException {
        return calls().stream().filter(l -> l.endsWith("--build-only")).count();
    }

    @Override
    public void close() {
        git.close();
    }

    record Result(int exit, String out, String err, Path folder) {
        String lastOutLine() {
            String[] lines = out.strip().split("\n");
            return lines[lines.length - 1];
        }

        /** The verdict line: PASS/FAIL on stdout, ERROR on stderr. */
        String verdict() {
            for (String l : (out + "\n" + err).split("\n")) {
                if (l.startsWith("PASS ") || l.startsWith("FAIL ") || l.startsWith("ERROR ")) return l;
            }
            return null;
        }

        String comparisonJson() throws IOException {
            return Files.readString(folder.resolve("comparison.json"));
        }

        @Override
        public String toString() {
            return "exit " + exit + "\n--- stdout\n" + out + "--- stderr\n" + err;
        }
    }
}
