package dev.losscompare.harness;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.losscompare.core.result.CaseResult;
import dev.losscompare.core.result.Diagnosis;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.eclipse.jgit.api.Git;
import org.eclipse.jgit.lib.PersonIdent;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The harness locates a change in a nanoGPT-style trainer (fixture/nanogpt_model) that knows nothing
 * of loss_compare: the failing case is re-run on both sides with the PyTorch tracer, and every output
 * names the op, its module and its line. A trainer that never imports torch gets no location and
 * says why; --no-diagnose traces nothing.
 */
@Timeout(value = 10, unit = TimeUnit.MINUTES)
class PytorchDiagnoseEndToEndTest {
    /** The model fixture's own files; its data preparation, config and .gitignore are the nanoGPT fixture's. */
    private static final List<String> FILES = List.of("model.py", "train.py");
    private static final List<String> SHARED = List.of("prepare.py", "config/train_tiny.py");

    @TempDir
    Path tmp;

    /** The suite of a trainer started by {@code python3 train.py}. */
    private static String suite() {
        return suite("[\"" + NanoGptStyleTrainerTest.DEBIAN_PYTHON + "\", \"train.py\"]");
    }

    /** {@code command}: the [trainer] table's command, a TOML array. */
    private static String suite(String command) {
        return "[trainer]\npreset = \"command\"\ncommand = " + command + "\n"
                + "args = [\"{config}\", \"--max_iters={steps}\", \"--seed={seed}\", \"--threads={threads}\"]\n"
                + "from_working_tree = [\"data/\"]\nseed = \"none\"\nmetrics = \"log\"\n"
                + "line_pattern = 'iter (?<step>\\d+): loss (?<loss>[0-9.]+)'\nstep_offset = 1\n\n"
                + "[[case]]\nname = \"tiny_gpt\"\nconfig = \"config/train_tiny.py\"\n";
    }

    @Test
    void aChangedAttentionScaleIsNamedByOpModuleAndLine() throws Exception {
        assumeTrue(NanoGptStyleTrainerTest.pythonTorch(), NanoGptStyleTrainerTest.DEBIAN_PYTHON + " has no torch (CI installs python3-torch)");
        Path repo = gptRepo("gpt", suite(), "model.py", "(1.0 / math.sqrt(k.size(-1)))", "8.0");
        HarnessRun r = HarnessRun.in(repo, tmp.resolve("cache"), tmp.resolve("out"), "HEAD~1", "HEAD", "--suite=loss_compare.toml",
                "--steps=3");
        assertEquals(1, r.exit(), r.toString());
        String where = "where: forward, transformer.h.0.attn: aten::mul.Tensor at model.py:36 (att = (q @ k.transpose(-2, -1)) * 8.0):"
                + " inputs identical, argument other 0.25 vs 8.0, output differs (rel ";
        assertTrue(r.line("FAIL tiny_gpt").contains("; " + where), r.toString());
        assertTrue(r.out().contains("re-running both sides for step"), r.toString());
        CaseResult c = r.only();
        Diagnosis d = c.diagnosis();
        assertEquals(Diagnosis.Status.LOCATED, d.status());
        assertEquals(Diagnosis.Stage.FORWARD, d.stage());
        assertEquals(1, d.step());
        assertTrue(d.modules().stream().anyMatch(m -> m.first() && m.name().contains("aten::mul.Tensor")), d.modules().toString());
        assertTrue(Files.readString(r.folder().resolve("summary.md")).contains(where.substring("where: ".length())));
        assertTrue(Files.readString(r.folder().resolve("junit.xml")).contains("aten::mul.Tensor at model.py:36"));
        assertTrue(Files.readString(r.folder().resolve("report.html")).contains("aten::mul.Tensor at model.py:36"));

        // The traces are cached like runs; --no-diagnose traces nothing.
        HarnessRun again = HarnessRun.in(repo, tmp.resolve("cache"), tmp.resolve("again"), "HEAD~1", "HEAD",
                "--suite=loss_compare.toml", "--steps=3");
        assertTrue(again.out().contains("traces: baseline from cache, test from cache, the baseline's second run from cache"), again.toString());
        HarnessRun off = HarnessRun.in(repo, tmp.resolve("cache"), tmp.resolve("off"), "HEAD~1", "HEAD", "--suite=loss_compare.toml",
                "--steps=3", "--no-diagnose");
        assertEquals(1, off.exit(), off.toString());
        assertFalse(off.out().contains("where:"), off.toString());
        assertNull(off.only().diagnosis());
    }

    /**
     * Two ranks under torchrun on the CPU (gloo), DDP as nanoGPT runs it, rank 0 printing: a change of the batches
     * rank 1 draws is named at rank 1, and rank 0, whose gradients differ only through the allreduce, is said to
     * follow. Debian's torchrun (torch 1.13) on Python 3.11 parses only --redirects/--tee 1 and 2 (docs/pytorch-trace.md).
     */
    @Test
    void twoRanksUnderTorchrunNameTheFirstRankThatDiffers() throws Exception {
        assumeTrue(NanoGptStyleTrainerTest.pythonTorch(), NanoGptStyleTrainerTest.DEBIAN_PYTHON + " has no torch (CI installs python3-torch)");
        String torchrun = "[\"torchrun\", \"--standalone\", \"--nproc_per_node={ngpus}\", \"--redirects\", \"1\", \"--tee\", \"1\","
                + " \"--role\", \"rank\", \"train.py\"]\nngpus = 2";
        Path repo = gptRepo("ddp", suite(torchrun), "train.py", "seed_offset = int(os.environ[\"RANK\"])",
                "seed_offset = int(os.environ[\"RANK\"]) * 2");
        HarnessRun r = HarnessRun.in(repo, tmp.resolve("cache"), tmp.resolve("out"), "HEAD~1", "HEAD", "--suite=loss_compare.toml",
                "--steps=2");
        assertEquals(1, r.exit(), r.toString());
        String fail = r.line("FAIL tiny_gpt");
        assertTrue(fail.contains("loss differs from step 2"), r.toString());
        assertTrue(fail.contains("; where: rank 1: inputs differ at step 1: arg0, arg1 (the batch the model received; the data pipeline, not the model)")
                && fail.endsWith(" (rank 0 (from a collective) differs too)"),
                r.toString());
        Diagnosis d = r.only().diagnosis();
        assertEquals(Diagnosis.Stage.INPUTS, d.stage());
        // Each rank's own lines in its own log, torchrun's "[rankN]:" taken off.
        Path rank0 = r.folder().resolve("tiny_gpt/baseline_training.rank0.log");
        assertTrue(Files.readString(rank0).contains("\niter 1: loss "), Files.readString(rank0));
        assertTrue(Files.isRegularFile(r.folder().resolve("tiny_gpt/baseline_training.rank1.log")));
    }

    @Test
    void aTrainerThatNeverImportsTorchHasNoLocationAndSaysWhy() throws Exception {
        assumeTrue(NanoGptStyleTrainerTest.pythonTorch(), NanoGptStyleTrainerTest.DEBIAN_PYTHON + " has no torch (CI installs python3-torch)");
        Path repo = Files.createDirectories(tmp.resolve("plain"));
        try (Git git = Git.init().setDirectory(repo.toFile()).setInitialBranch("master").call()) {
            Files.createDirectories(repo.resolve("data"));
            Files.createDirectories(repo.resolve("config"));
            Files.writeString(repo.resolve("config/train_tiny.py"), "\n");
            Files.writeString(repo.resolve(".gitignore"), "data/\n");
            String loop = "import sys\nsteps = int([a for a in sys.argv if a.startswith('--max_iters=')][0].split('=')[1])\n"
                    + "for i in range(steps + 1):\n    print('iter %d: loss %.4f' % (i, 4.0 - RATE * i))\n";
            Files.writeString(repo.resolve("train.py"), loop.replace("RATE", "0.1"));
            Files.writeString(repo.resolve("loss_compare.toml"), suite());
            commit(git, "a loop without torch");
            Files.writeString(repo.resolve("train.py"), loop.replace("RATE", "0.2"));
            commit(git, "faster");

            HarnessRun r = HarnessRun.in(repo, tmp.resolve("cache"), tmp.resolve("out"), "HEAD~1", "HEAD", "--suite=loss_compare.toml",
                    "--steps=2");
            assertEquals(1, r.exit(), r.toString());
            assertFalse(r.line("FAIL tiny_gpt").contains("where:"), r.toString());
            assertTrue(r.out().contains("no location for tiny_gpt (model default): the baseline side: the trainer did not run PyTorch"),
                    r.toString());
        }
    }

    /**
     * The fixture in a repository of two commits, the second replacing {@code from} by {@code to} in {@code file}; its
     * data prepared (git-ignored).
     */
    private Path gptRepo(String name, String suite, String file, String from, String to) throws Exception {
        Path repo = Files.createDirectories(tmp.resolve(name));
        try (Git git = Git.init().setDirectory(repo.toFile()).setInitialBranch("master").call()) {
            for (String f : FILES) copy("/fixture/nanogpt_model/" + f, repo.resolve(f));
            for (String f : SHARED) copy("/fixture/nanogpt/" + f, repo.resolve(f));
            copy("/fixture/nanogpt/gitignore", repo.resolve(".gitignore"));
            Files.writeString(repo.resolve("loss_compare.toml"), suite);
            commit(git, "a tiny GPT");
            Path edited = repo.resolve(file);
            String source = Files.readString(edited);
            assertTrue(source.contains(from), from);
            Files.writeString(edited, source.replace(from, to));
            commit(git, "the change");
        }
        run(repo, NanoGptStyleTrainerTest.DEBIAN_PYTHON.toString(), "prepare.py");
        return repo;
    }

    private void copy(String resource, Path to) throws Exception {
        try (InputStream in = getClass().getResourceAsStream(resource)) {
            Files.createDirectories(to.getParent());
            Files.write(to, in.readAllBytes());
        }
    }

    private static void commit(Git git, String message) throws Exception {
        git.add().addFilepattern(".").call();
        PersonIdent who = new PersonIdent("t", "t@example.com");
        git.commit().setMessage(message).setAuthor(who).setCommitter(who).setSign(false).call();
    }

    private static void run(Path dir, String... command) throws Exception {
        Process p = new ProcessBuilder(command).directory(dir.toFile()).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes());
        assertTrue(p.waitFor(2, TimeUnit.MINUTES) && p.exitValue() == 0, out);
    }
}
