package dev.losscompare.harness;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.losscompare.core.result.CaseResult;
import dev.losscompare.core.result.ComparisonJson;
import dev.losscompare.harness.cache.RevisionCache;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** One in-process harness run against a repository, as the real-trainer tests make them: exit code, output, output folder. */
record HarnessRun(int exit, String out, String err, Path folder) {
    /**
     * One build store for every test class of this module run (until mvn clean): a trainer tree
     * whose sources another class already built copies that build instead of running Maven again.
     */
    static final Path BUILD_STORE = Path.of("target", "trainer-builds").toAbsolutePath();

    /** Runs the harness with cwd {@code repoDir} and the result cache {@code cache}, writing into {@code folder}. */
    static HarnessRun in(Path repoDir, Path cache, Path folder, String... args) {
        List<String> all = new ArrayList<>(List.of(args));
        all.add("--output-folder=" + folder);
        HarnessRun r = at(repoDir, Map.of("LOSS_COMPARE_CACHE", cache.toString(),
                RevisionCache.BUILD_STORE_VARIABLE, BUILD_STORE.toString()), all.toArray(String[]::new));
        return new HarnessRun(r.exit, r.out, r.err, folder);
    }

    /** The command line as a user types it, in-process: cwd {@code cwd}, environment {@code env}, stdout and stderr apart. */
    static HarnessRun at(Path cwd, Map<String, String> env, String... args) {
        ByteArrayOutputStream o = new ByteArrayOutputStream();
        ByteArrayOutputStream e = new ByteArrayOutputStream();
        int exit = Main.execute(new Console(cwd, env, utf8(o), utf8(e), false), args);
        return new HarnessRun(exit, o.toString(StandardCharsets.UTF_8), e.toString(StandardCharsets.UTF_8), null);
    }

    /** As {@link #at}, with stdout and stderr in one stream in the order written, as a terminal shows them: {@code out} holds both. */
    static HarnessRun interleaved(Path cwd, Map<String, String> env, String... args) {
        ByteArrayOutputStream both = new ByteArrayOutputStream();
        PrintStream ps = utf8(both);
        int exit = Main.execute(new Console(cwd, env, ps, ps, false), args);
        return new HarnessRun(exit, both.toString(StandardCharsets.UTF_8), "", null);
    }

    private static PrintStream utf8(ByteArrayOutputStream sink) {
        return new PrintStream(sink, true, StandardCharsets.UTF_8);
    }

    /** The first output line that starts with {@code prefix}. */
    String line(String prefix) {
        return (out + err).lines().filter(l -> l.startsWith(prefix)).findFirst()
                .orElseThrow(() -> new AssertionError("no line starts with '" + prefix + "'\n" + this));
    }

    /** The one case of the comparison.json written. */
    CaseResult only() throws IOException {
        var cases = ComparisonJson.read(folder.resolve("comparison.json")).cases();
        assertEquals(1, cases.size());
        return cases.get(0);
    }

    @Override
    public String toString() {
        return "exit " + exit + "\n--- stdout\n" + out + "--- stderr\n" + err;
    }
}
