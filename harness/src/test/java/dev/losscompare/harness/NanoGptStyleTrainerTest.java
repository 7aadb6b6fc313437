package dev.losscompare.harness;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.losscompare.core.result.Comparison;
import dev.losscompare.core.result.ComparisonJson;
import dev.losscompare.core.result.WorkingTreeInput;
import java.io.File;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.eclipse.jgit.api.Git;
import org.eclipse.jgit.lib.PersonIdent;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * A trainer kept as a nanoGPT user keeps it (test resources fixture/nanogpt: a tiny GPT on
 * Debian's PyTorch), signed off with exactly the [trainer] snippet of docs/other-trainers.md, read from there: data
 * written by prepare.py into a git-ignored folder (linked from the working tree), a loop that logs
 * iter 0 .. iter max_iters (N+1 lines), no seed checkpoint (seed = "none"). A renamed variable
 * PASSes, a learning-rate change FAILs from step 2, new data retrains both sides and the report
 * names it; the checkout and its ignored data are left as they were.
 */
@Timeout(value = 10, unit = TimeUnit.MINUTES)
class NanoGptStyleTrainerTest {
    /** Debian's python3 with python3-torch (a PATH's python3 may be another one without torch). */
    static final Path DEBIAN_PYTHON = Path.of("/usr/bin/python3");
    private static final List<String> FILES = List.of("train.py", "prepare.py", "config/train_tiny.py");

    @TempDir
    Path tmp;

    private static Boolean pythonTorch;

    /** Whether Debian's Python imports torch and numpy; asked once per test JVM (the import alone is a second of CPU). */
    static synchronized boolean pythonTorch() throws Exception {
        if (pythonTorch == null) {
            if (!Files.isExecutable(DEBIAN_PYTHON)) return pythonTorch = false;
            Process p = new ProcessBuilder(DEBIAN_PYTHON.toString(), "-c", "import torch, numpy").redirectErrorStream(true).start();
            pythonTorch = p.waitFor(60, TimeUnit.SECONDS) && p.exitValue() == 0;
        }
        return pythonTorch;
    }

    /** The first ```toml block of docs/other-trainers.md's "Other trainers" section: the snippet users copy. */
    static String docsSnippet() throws Exception {
        String readme = Files.readString(ProjectFiles.root().resolve("docs/other-trainers.md"));
        int section = readme.indexOf("## Other trainers");
        int start = readme.indexOf("```toml\n", section) + "```toml\n".length();
        return readme.substring(start, readme.indexOf("```\n", start));
    }

    private record Run(int exit, String out) {}

    /** The harness in its own JVM, with a PATH whose python3 is one with torch (as the user's would be). */
    private Run harness(Path repo, String... args) throws Exception {
        Path bin = Files.createDirectories(tmp.resolve("bin"));
        if (!Files.exists(bin.resolve("python3"))) Files.createSymbolicLink(bin.resolve("python3"), DEBIAN_PYTHON);
        List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-cp",
                System.getProperty("java.class.path"), Main.class.getName()));
        cmd.addAll(List.of(args));
        Path log = Files.createTempFile(tmp, "harness", ".log");
        ProcessBuilder pb = new ProcessBuilder(cmd).directory(repo.toFile()).redirectErrorStream(true).redirectOutput(log.toFile())
                .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")));
        pb.environment().put("LOSS_COMPARE_CACHE", tmp.resolve("cache").toString());
        pb.environment().put("PATH", bin + File.pathSeparator + System.getenv("PATH"));
        Process p = pb.start();
        assertTrue(p.waitFor(8, TimeUnit.MINUTES), "harness timed out");
        return new Run(p.exitValue(), Files.readString(log));
    }

    private static void prepare(Path repo, String... args) throws Exception {
        List<String> cmd = new ArrayList<>(List.of(DEBIAN_PYTHON.toString(), "prepare.py"));
        cmd.addAll(List.of(args));
        Process p = new ProcessBuilder(cmd).directory(repo.toFile()).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(2, TimeUnit.MINUTES) && p.exitValue() == 0, out);
    }

    private static void commit(Git git, String message) throws Exception {
        git.add().addFilepattern(".").call();
        PersonIdent who = new PersonIdent("t", "t@example.com");
        git.commit().setMessage(message).setAuthor(who).setCommitter(who).setSign(false).call();
    }

    private Git nanoGptRepo(Path dir) throws Exception {
        Git git = Git.init().setDirectory(dir.toFile()).setInitialBranch("master").call();
        for (String f : FILES) {
            try (InputStream in = getClass().getResourceAsStream("/fixture/nanogpt/" + f)) {
                Files.createDirectories(dir.resolve(f).getParent());
                Files.write(dir.resolve(f), in.readAllBytes());
            }
        }
        try (InputStream in = getClass().getResourceAsStream("/fixture/nanogpt/gitignore")) {
            Files.write(dir.resolve(".gitignore"), in.readAllBytes());
        }
        Files.writeString(dir.resolve("loss_compare.toml"), docsSnippet());
        commit(git, "a tiny GPT");
        Path train = dir.resolve("train.py");
        String source = Files.readString(train);
        String renamed = source.replace("lossf", "loss_value");
        assertNotEquals(source, renamed);
        Files.writeString(train, renamed);
        commit(git, "rename lossf to loss_value");
        Path config = dir.resolve("config/train_tiny.py");
        Files.writeString(config, Files.readString(config).replace("learning_rate = 1e-3", "learning_rate = 2e-3"));
        commit(git, "raise the learning rate");
        return git;
    }

    @Test
    void aNanoGptStyleTrainerIsSignedOffWithReadmesSnippet() throws Exception {
        assumeTrue(pythonTorch(), DEBIAN_PYTHON + " has no torch and numpy (CI installs Debian's python3-torch)");
        Path repo = Files.createDirectories(tmp.resolve("nanogpt"));
        try (Git git = nanoGptRepo(repo)) {
            // Before the data is prepared: one line naming the missing input, exit 2.
            Run missing = harness(repo, "HEAD~2", "HEAD~1", "--suite=loss_compare.toml", "--steps=5",
                    "--output-folder=" + tmp.resolve("missing"));
            assertEquals(2, missing.exit(), missing.out());
            assertTrue(missing.out().contains("loss_compare: from_working_tree: data/ does not exist in the working tree "),
                    missing.out());

            prepare(repo);
            assertTrue(git.status().call().isClean(), "the prepared data is git-ignored");
            byte[] data = Files.readAllBytes(repo.resolve("data/tiny/train.bin"));

            // Without seed = "none" the trainer, which has no seed command, cannot seed: the error names both ways
            // out, and no "initial weights" line is printed for runs that never happened.
            String snippet = docsSnippet();
            String seeded = snippet.lines().filter(l -> !l.startsWith("seed = ")).collect(java.util.stream.Collectors.joining("\n", "", "\n"));
            assertNotEquals(snippet, seeded);
            Path seededSuite = Files.writeString(tmp.resolve("seeded.toml"), seeded);
            Run noSeedCommand = harness(repo, "HEAD~2", "HEAD~1", "--suite=" + seededSuite, "--steps=5",
                    "--output-folder=" + tmp.resolve("seeded"));
            assertEquals(2, noSeedCommand.exit(), noSeedCommand.out());
            assertTrue(noSeedCommand.out().contains("has no seed checkpoint command; rerun with --no-seed-checkpoint, or set seed = \"none\""
                    + " in its trainer file"), noSeedCommand.out());
            assertTrue(!noSeedCommand.out().contains("initial weights:"), noSeedCommand.out());

            Run refactor = harness(repo, "HEAD~2", "HEAD~1", "--suite=loss_compare.toml", "--steps=5",
                    "--output-folder=" + tmp.resolve("refactor"));
            assertEquals(0, refactor.exit(), refactor.out());
            assertTrue(refactor.out().contains("PASS tiny_gpt (model default): loss equal at 4 decimals over 5 steps;"
                    + " steps after 5 not compared (each side logged 1 more)"), refactor.out());
            assertTrue(refactor.out().contains("initial weights: no seed checkpoint: each side initialized its own weights from seed 42"),
                    refactor.out());
            assertTrue(refactor.out().contains("from the working tree (linked, read-only): data/ (sha256:"), refactor.out());
            assertTrue(refactor.out().contains("(6/5 steps)"), "the progress counts the log's lines\n" + refactor.out());
            WorkingTreeInput before = onlyInput(tmp.resolve("refactor"));
            assertEquals("data/", before.path());
            assertEquals(3, before.files());

            List<String> tour = new ArrayList<>(List.of(DocCommands.readme("HEAD~1 HEAD --suite=loss_compare.toml")));   // README's tour
            tour.add("--output-folder=" + tmp.resolve("lr"));
            Run lr = harness(repo, tour.toArray(String[]::new));
            assertEquals(1, lr.exit(), lr.out());
            assertTrue(lr.out().contains("FAIL tiny_gpt (model default): loss differs from step 2"), lr.out());
            // Located by the PyTorch tracer (python3 starts it: trace = "pytorch" by default): AdamW's first step.
            assertTrue(lr.out().contains("; where: optimizer step 1: gradients identical, parameters differ: aten::"), lr.out());

            // Other data: both sides train again, and every report names the new fingerprint.
            prepare(repo, "--seed=7");
            Run again = harness(repo, "HEAD~2", "HEAD~1", "--suite=loss_compare.toml", "--steps=5",
                    "--output-folder=" + tmp.resolve("again"));
            assertEquals(0, again.exit(), again.out());
            assertTrue(again.out().contains("baseline HEAD~2: finished"), again.out());
            assertTrue(again.out().contains("test HEAD~1: finished"), again.out());
            WorkingTreeInput after = onlyInput(tmp.resolve("again"));
            assertNotEquals(before.fingerprint(), after.fingerprint());
            String html = Files.readString(tmp.resolve("again/report.html"));
            assertTrue(html.contains(after.describe()), "report.html names data/ with its new fingerprint");
            assertTrue(Files.readString(tmp.resolve("again/summary.md")).contains(after.describe()));
            assertTrue(!Files.readString(tmp.resolve("again/tiny_gpt/baseline_training.log")).contains("iter 0: loss "
                    + firstLoss(tmp.resolve("refactor/tiny_gpt/baseline_training.log"))), "the new data gives other losses");

            // Nothing was written back: the checkout and its ignored data are as they were.
            assertTrue(git.status().call().isClean());
            assertTrue(Files.isRegularFile(repo.resolve("data/tiny/train.bin"), java.nio.file.LinkOption.NOFOLLOW_LINKS));
            assertTrue(data.length == Files.size(repo.resolve("data/tiny/train.bin")));
        }
    }

    private static WorkingTreeInput onlyInput(Path folder) throws Exception {
        Comparison c = ComparisonJson.read(folder.resolve("comparison.json"));
        assertEquals(1, c.workingTreeInputs().size(), c.workingTreeInputs().toString());
        return c.workingTreeInputs().get(0);
    }

    private static String firstLoss(Path log) throws Exception {
        return Files.readAllLines(log).stream().filter(l -> l.startsWith("iter 0: loss ")).findFirst().orElseThrow()
                .substring("iter 0: loss ".length(), "iter 0: loss ".length() + 6);
    }
}
