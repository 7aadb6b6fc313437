package dev.losscompare.harness;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.losscompare.core.result.Diagnosis;
import dev.losscompare.core.result.TrainerRepeats;
import dev.losscompare.core.result.Verdict;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;
import org.eclipse.jgit.api.Git;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Every verdict on a trainer that does not repeat itself bitwise, as a GPU does not: the tests'
 * tiny GPT (fixture/tiny_gpt, Debian's PyTorch) with {@code reduction_noise = true}, whose runs
 * part in their last bits from step 1 under a seed that differs each run. Three commits: the
 * trainer, a renamed local (harmless), a doubled learning rate (a real change); branches off the
 * first for the resume check, bisect and a changed op (the diagnosis). One repository and
 * one result cache for the class: the runs of one test are the cache entries of the next. Every
 * run trains 4 steps (the gate too, by its [gate] steps): the tests need two runs to part, and at
 * their seed two runs were bitwise identical over 3 steps in 1.3% of pairs, over 4 in 0.08%
 * (docs/noise.md).
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@Timeout(value = 10, unit = TimeUnit.MINUTES)
class GpuLikeTrainerTest {
    private static final String PYTHON = NanoGptStyleTrainerTest.DEBIAN_PYTHON.toString();
    private static final String CONFIG = "vocab = 64\ndim = 32\nheads = 2\nlayers = 2\nseq_len = 16\nbatch = 4\nlr = 0.001\n"
            + "reduction_noise = true\n";
    private static final String SUITE = """
            [trainer]
            preset = "command"
            command = ["%s", "train.py"]
            args = ["--config={config}", "--steps={steps}", "--seed={seed}", "--threads={threads}", "--metrics={metrics}"]
            create_seed = ["--init-out={seed_checkpoint}"]
            load_seed = ["--init-from={seed_checkpoint}"]
            seed_name = "init.pt"
            save_checkpoint = ["--ckpt-dir={checkpoint_folder}", "--ckpt-every={checkpoint_interval}"]
            resume_checkpoint = ["--resume-step={resume_step}"]
            metrics = "jsonl"

            [gate]
            steps = 4

            [[case]]
            name = "tiny_gpt"
            config = "config.toml"
            """.formatted(PYTHON);

    @TempDir
    static Path tmp;
    Path repo;
    Path cache;
    Git git;

    @BeforeAll
    void repository() throws Exception {
        assumeTrue(NanoGptStyleTrainerTest.pythonTorch(), PYTHON + " has no torch (CI installs Debian's python3-torch)");
        repo = Files.createDirectories(tmp.resolve("repo"));
        cache = tmp.resolve("cache");
        git = Git.init().setDirectory(repo.toFile()).setInitialBranch("main").call();
        try (InputStream in = getClass().getResourceAsStream("/fixture/tiny_gpt/train.py")) {
            Files.writeString(repo.resolve("train.py"), new String(in.readAllBytes(), StandardCharsets.UTF_8));
        }
        Files.writeString(repo.resolve("config.toml"), CONFIG);
        Files.writeString(repo.resolve("suite.toml"), SUITE);
        ProjectFiles.commit(git, "tiny GPT");
        ProjectFiles.edit(repo, "train.py", "grad_norm = torch", "total_norm = torch");
        ProjectFiles.edit(repo, "train.py", "grad_norm.item()", "total_norm.item()");
        ProjectFiles.commit(git, "rename grad_norm to total_norm");
        ProjectFiles.edit(repo, "config.toml", "lr = 0.001", "lr = 0.002");
        ProjectFiles.commit(git, "raise the learning rate");
    }

    @AfterAll
    void close() {
        if (git != null) git.close();
    }

    private HarnessRun harness(String folder, String... args) {
        return HarnessRun.in(repo, cache, tmp.resolve(folder), args);
    }

    /**
     * Without an envelope a bitwise FAIL runs the baseline again: its two runs differ, so the
     * harmless rename is not a FAIL but undecided (ERROR: within the trainer's own noise, calibrate),
     * and the learning-rate change FAILs in units of that noise; each line says the trainer does
     * not repeat itself and how far its repeats parted.
     */
    @Test
    void aBitwiseFailOnATrainerThatDoesNotRepeatItselfIsJudgedAgainstItsOwnRepeat() throws Exception {
        HarnessRun rename = harness("rename", "HEAD~2", "HEAD~1", "--suite=suite.toml", "--steps=4");
        assertEquals(2, rename.exit(), rename.toString());
        String line = rename.line("ERROR tiny_gpt");
        assertTrue(line.contains("not decided: the bitwise comparison differs, but the trainer does not repeat itself bitwise:"
                + " two runs of the baseline parted: "), line);
        assertTrue(line.matches(".*; the difference found is within that \\(loss [0-9.]+×, grad_norm [0-9.]+× what the two baseline"
                + " runs parted by, margin 10×\\); calibrate its noise \\(./loss_compare.sh calibrate HEAD~2 with the same options\\)"
                + " and compare with --noise.*"), line);
        assertTrue(rename.out().contains("running the baseline once more"), rename.toString());
        assertEquals(Verdict.ERROR, rename.only().verdict());
        assertPartedBySecondRun(rename.only().trainerRepeats());

        HarnessRun lr = harness("lr", "HEAD~1", "HEAD", "--suite=suite.toml", "--steps=4");
        assertEquals(1, lr.exit(), lr.toString());
        String fail = lr.line("FAIL tiny_gpt");
        assertTrue(fail.matches("FAIL tiny_gpt \\(model default\\): loss differs from step 2: [0-9.e+]+× the measured noise.*"), fail);
        assertTrue(fail.contains("[within noise (margin 10× by default (one repeat of the baseline, not a calibration), envelope none"
                + " (the baseline run twice), calibrated on HEAD~1 ("), fail);
        assertTrue(fail.contains("the trainer does not repeat itself bitwise: two runs of the baseline parted: "), fail);
        assertTrue(lr.only().mode().isNoise(), lr.toString());
        assertPartedBySecondRun(lr.only().trainerRepeats());
    }

    /** comparison.json says it too, for a machine reader: the baseline's second run parted from it, metric by metric. */
    private static void assertPartedBySecondRun(TrainerRepeats r) {
        assertTrue(r != null && !r.bitwise() && r.measuredBy().equals(TrainerRepeats.SECOND_RUN) && r.fromStep() >= 1
                && !r.parted().isEmpty(), String.valueOf(r));
    }

    /** The same from an envelope of plain repeats that parted. */
    private static void assertPartedByEnvelope(TrainerRepeats r, String envelope) {
        assertEquals(new TrainerRepeats(false, "the 3 plain repeats of the noise envelope " + envelope, null, List.of()), r);
    }

    /**
     * Goldens recorded with their envelope (gate --update --calibrate: this trainer is its own
     * perturbation, so calibrate repeats it): in the goldens' own environment the gate judges
     * within that noise, so the rename PASSes and the learning-rate change FAILs; compare --noise
     * against the same envelope decides both the same way (and the diagnosis locates against the
     * baseline's run-to-run noise: {@link #assertDiagnosedAgainstTheNoise}), the resume check passes a correct
     * resume and fails a lost second moment or data position, and bisect finds the learning-rate
     * commit among three that only draw other noise. Every line names the envelope; without it the
     * resume check and a bitwise bisect say the trainer does not repeat itself.
     */
    @Test
    void goldensAndComparesJudgeWithinTheRecordedNoise() throws Exception {
        String noise = ", envelope configs/noise/tiny_gpt.json, calibrated on . ";
        try {
            gateWithinNoise(noise);
        } finally {
            checkout("HEAD");
        }
        // --diagnose: the rename traced whole too (the diagnosis of a PASS), against the baseline's run-to-run noise
        HarnessRun rename = harness("rename-noise", "HEAD~2", "HEAD~1", "--suite=suite.toml", "--steps=4", "--noise=configs/noise",
                "--diagnose");
        assertEquals(0, rename.exit(), rename.toString());
        assertTrue(rename.line("PASS tiny_gpt").contains(noise), rename.toString());
        assertTrue(!rename.out().contains("running the baseline once more"), "an envelope needs no repeat\n" + rename);
        HarnessRun lr = harness("lr-noise", "HEAD~1", "HEAD", "--suite=suite.toml", "--steps=4", "--noise=configs/noise");
        assertEquals(1, lr.exit(), lr.toString());
        assertTrue(lr.line("FAIL tiny_gpt").matches("FAIL tiny_gpt \\(model default\\): loss differs from step 2: [0-9.e+]+×"
                + " the measured noise.*" + Pattern.quote(noise) + ".*"), lr.toString());
        assertDiagnosedAgainstTheNoise(rename, lr);

        // the resume check within the same noise: resuming correctly PASSes, a checkpoint without AdamW's second moment or
        // without the data position FAILs; without an envelope the check says the trainer does not repeat itself
        String first = git.getRepository().resolve("main~2").name();
        Path envelopes = Files.createDirectories(tmp.resolve("envelopes"));   // the commits below take in the untracked configs/
        Files.copy(repo.resolve("configs/noise/tiny_gpt.json"), envelopes.resolve("tiny_gpt.json"));
        String save = "\"optimizer\": opt.state_dict(), \"data\": data.get_state()}";
        String noSecondMoment = branch("no-second-moment", first, save, "\"optimizer\": {**opt.state_dict(), \"state\": {i: {**s,"
                + " \"exp_avg_sq\": torch.zeros_like(s[\"exp_avg_sq\"])} for i, s in opt.state_dict()[\"state\"].items()}},"
                + " \"data\": data.get_state()}");
        String noDataPosition = branch("no-data-position", first, save, "\"optimizer\": opt.state_dict(),"
                + " \"data\": torch.Generator().manual_seed(1234).get_state()}");
        HarnessRun moment = harness("resume-moment", first, noSecondMoment, "--suite=suite.toml", "--steps=4", "--resume-at=1",
                "--noise=" + envelopes);
        assertEquals(1, moment.exit(), moment.toString());
        String within = "[within noise (margin 10× by default (the envelope has no held-out runs; recalibrate for a measured margin),"
                + " envelope " + envelopes.resolve("tiny_gpt.json");
        // one more draw of the noise, which may round to the continuous run's very floats in steps 2-4
        assertTrue(moment.out().matches("(?s).*resume at 1 \\(baseline\\): (within noise \\(steps 2-4 within the margin of the continuous"
                + " run's\\) " + Pattern.quote(within) + "|identical \\(steps 2-4 bitwise equal to the continuous run\\);).*"),
                moment.toString());
        assertTrue(moment.out().matches("(?s).*resume at 1 \\(test\\): differs from step 3 \\(loss [0-9.]+ continuous, [0-9.]+ resumed"
                + " \\([0-9.e+]+× the measured noise\\).*" + Pattern.quote(within) + ".*"), moment.toString());
        HarnessRun data = harness("resume-data", first, noDataPosition, "--suite=suite.toml", "--steps=4", "--resume-at=1",
                "--noise=" + envelopes);
        assertEquals(1, data.exit(), data.toString());
        assertTrue(data.out().contains("resume at 1 (test): differs from step 2 (its inputs differ: data_fingerprint "), data.toString());
        HarnessRun bitwiseResume = harness("resume-bitwise", first, first, "--suite=suite.toml", "--steps=4", "--resume-at=1");
        assertEquals(2, bitwiseResume.exit(), bitwiseResume.toString());
        assertTrue(bitwiseResume.line("ERROR tiny_gpt").matches("(?s).*resume at 1 \\(baseline\\): could not check: the trainer does not repeat itself"
                + " bitwise \\(two runs of the baseline parted: .*\\), so its resumed run cannot be judged bitwise \\(it differs from step"
                + " [0-9]\\); calibrate its noise \\(./loss_compare.sh calibrate " + first + " with the same options\\) and check with"
                + " --noise.*"), bitwiseResume.toString());

        // bisect over three commits that only draw other noise and one real change: within noise it finds the change;
        // bitwise it stops before probing, since GOOD's own two runs differ
        try {
            git.checkout().setCreateBranch(true).setName("bisect").setStartPoint(first).call();
            ProjectFiles.edit(repo, "train.py", "import argparse\n", "import argparse  # the command line\n");
            ProjectFiles.commit(git, "a comment");
            ProjectFiles.edit(repo, "train.py", "    out = open(", "    metrics_file = open(");
            ProjectFiles.edit(repo, "train.py", "        if out:\n            # repr", "        if metrics_file:\n            # repr");
            ProjectFiles.edit(repo, "train.py", "            out.write(", "            metrics_file.write(");
            ProjectFiles.edit(repo, "train.py", "            out.flush()", "            metrics_file.flush()");
            ProjectFiles.commit(git, "rename out to metrics_file");
            ProjectFiles.edit(repo, "config.toml", "lr = 0.001", "lr = 0.002");
            ProjectFiles.commit(git, "raise the learning rate");
            ProjectFiles.edit(repo, "train.py", "import math\n", "import math  # isfinite\n");
            ProjectFiles.commit(git, "another comment");
        } finally {
            checkout("HEAD");
        }
        String culprit = git.getRepository().resolve("bisect~1").name().substring(0, 10);
        HarnessRun bisect = harness("bisect-noise", "bisect", first, "bisect", "--suite=suite.toml", "--steps=4", "--noise=" + envelopes);
        assertEquals(0, bisect.exit(), bisect.toString());
        assertTrue(bisect.out().contains("first commit that moved the numbers: " + culprit + " \"raise the learning rate\""), bisect.toString());
        assertTrue(bisect.out().contains("against GOOD's runs, within noise ("), bisect.toString());
        HarnessRun bitwise = harness("bisect-bitwise", "bisect", first, "bisect", "--suite=suite.toml", "--steps=4");
        assertEquals(2, bitwise.exit(), bitwise.toString());
        assertTrue(bitwise.err().contains(" does not repeat itself bitwise on tiny_gpt (model default) (two runs of the baseline parted: ")
                && bitwise.err().contains("so a bitwise bisect would blame a commit that only drew other noise: calibrate its noise"
                        + " (./loss_compare.sh calibrate " + first + " with the same options) and bisect with --noise"), bitwise.toString());
    }

    /**
     * Parity, one rank against two on the same global batch (DDP over gloo under torchrun; a
     * side's {ngpus} is its own rank count): calibrated on the one-rank side by plain repeats, the
     * rename on two ranks PASSes within that noise and the learning-rate change on two ranks
     * FAILs, each line naming the envelope and that the ranks differ; without an envelope the
     * case is not judged bitwise: the baseline's own repeat shows the trainer does not repeat
     * itself, and the rank change alone is within that (ERROR, calibrate). torchrun's own
     * rendezvous on a free port (localhost:0), so two sides or two test runs never share one.
     */
    @Test
    void oneRankAgainstTwoIsJudgedWithinTheRunToRunNoise() throws Exception {
        Path suite = tmp.resolve("parity.toml");
        Files.writeString(suite, SUITE.replace("command = [\"" + PYTHON + "\", \"train.py\"]", "command = [\"torchrun\","
                        + " \"--rdzv_backend=c10d\", \"--rdzv_endpoint=localhost:0\", \"--nnodes=1\", \"--nproc_per_node={ngpus}\","
                        + " \"--redirects\", \"1\", \"--tee\", \"1\", \"--role\", \"rank\", \"train.py\"]")
                + "baseline_ngpus = 1\ntest_ngpus = 2\n");
        HarnessRun calibrate = harness("parity-noise", "calibrate", "HEAD~2", "--suite=" + suite, "--steps=4", "--runs=3", "--held-out=0");
        assertEquals(0, calibrate.exit(), calibrate.toString());
        Path envelope = tmp.resolve("parity-noise/tiny_gpt.json");
        assertTrue(Files.isRegularFile(envelope), calibrate.toString());
        String ranks = ": the sides run 1 and 2 ranks, so the gradient reduction order differs and bitwise is not possible;"
                + " judged within the measured noise]";

        HarnessRun rename = harness("parity-rename", "HEAD~2", "HEAD~1", "--suite=" + suite, "--steps=4", "--noise=" + envelope.getParent(),
                "--no-diagnose");
        assertEquals(0, rename.exit(), rename.toString());
        String pass = rename.line("PASS tiny_gpt");
        assertTrue(pass.contains("within noise (margin 10\u00d7 by default (the envelope has no held-out runs; recalibrate for a measured"
                + " margin), envelope " + envelope) && pass.endsWith(ranks), pass);
        assertTrue(rename.only().mode().isNoise(), rename.toString());
        assertPartedByEnvelope(rename.only().trainerRepeats(), envelope.toString());
        assertTrue(Files.isRegularFile(rename.folder().resolve("tiny_gpt/test_training.rank1.log")), "the test side ran two ranks\n" + rename);
        assertTrue(!Files.exists(rename.folder().resolve("tiny_gpt/baseline_training.rank1.log")), "the baseline one\n" + rename);

        HarnessRun lr = harness("parity-lr", "HEAD~2", "HEAD", "--suite=" + suite, "--steps=4", "--noise=" + envelope.getParent(),
                "--no-diagnose");
        assertEquals(1, lr.exit(), lr.toString());
        String fail = lr.line("FAIL tiny_gpt");
        assertTrue(fail.matches("FAIL tiny_gpt \\(model default\\): loss differs from step 2: [0-9.e+]+\u00d7 the measured noise.*"
                + Pattern.quote("envelope " + envelope) + ".*" + Pattern.quote(ranks)), fail);

        HarnessRun bitwise = harness("parity-bitwise", "HEAD~2", "HEAD~1", "--suite=" + suite, "--steps=4", "--no-diagnose");
        assertEquals(2, bitwise.exit(), bitwise.toString());
        assertTrue(bitwise.line("ERROR tiny_gpt").contains("not decided: the bitwise comparison differs, but the trainer does not repeat"
                + " itself bitwise: two runs of the baseline parted: "), bitwise.toString());
        assertPartedBySecondRun(bitwise.only().trainerRepeats());
    }

    /**
     * The diagnosis on a trainer that does not repeat itself, each op against the baseline's run-to-run
     * noise (its two traced runs differ): the rename, traced whole ({@code --diagnose}), has no
     * location, not even where the noise enters (a generator seeded per run, then a gradient moved by
     * an ulp); the learning rate is the optimizer step beyond that noise; a changed op of the model
     * (GELU's tanh approximation, a commit on the first) FAILs from step 1 within the envelope and is
     * that op, its module and its line, before the noise enters (the runs agree bitwise up to it).
     */
    private void assertDiagnosedAgainstTheNoise(HarnessRun rename, HarnessRun lr) throws Exception {
        String judged = " [the baseline's two traced runs differ: ops judged against their run-to-run noise, margin 10×";
        String pass = rename.line("PASS tiny_gpt");
        assertTrue(pass.matches(".*; where: no difference in the traced steps 1-4: every traced op is within its run-to-run noise"
                + Pattern.quote(judged) + "; \\d+ ops computed from generators alone that differ run to run, the noise itself, not"
                + " judged\\]$"), pass);
        assertEquals(Diagnosis.Status.NO_DIFFERENCE, rename.only().diagnosis().status(), rename.toString());

        String where = lr.line("FAIL tiny_gpt");
        assertTrue(where.contains("; where: optimizer step 1: gradients within their run-to-run noise, parameters differ: aten::mul_.Tensor"
                + " at train.py:149 (opt.step()): output beyond its run-to-run noise (rel ") && where.contains(judged), where);

        String first = git.getRepository().resolve("main~2").name();
        String gelu = branch("gelu-tanh", first, "nn.GELU()", "nn.GELU(approximate=\"tanh\")");
        HarnessRun model = harness("gelu-noise", first, gelu, "--suite=suite.toml", "--steps=4", "--noise=configs/noise");
        assertEquals(1, model.exit(), model.toString());
        String fail = model.line("FAIL tiny_gpt");
        assertTrue(fail.matches("FAIL tiny_gpt \\(model default\\): [^;]*differs from step 1: .*"), fail);
        assertTrue(fail.contains("; where: forward, blocks.0.mlp.1: aten::gelu at train.py:51 (return x + self.mlp(self.ln2(x))): inputs"
                + " identical, argument approximate \"none\" vs \"tanh\", output differs (rel ") && fail.contains("), beyond its run-to-run"
                + " noise (none: the baseline's two runs agree bitwise up to it); the ") && fail.contains(judged), fail);
        Diagnosis d = model.only().diagnosis();
        assertEquals(List.of(Diagnosis.Stage.FORWARD, 1), List.of(d.stage(), d.step()), d.where());
    }

    /** The goldens and their envelope recorded at the first commit, then the gate on the rename's and the lr change's working tree. */
    private void gateWithinNoise(String noise) throws Exception {
        checkout("HEAD~2");
        // --held-out=0: the default margin of 10 (two held-out runs measure a margin of 3, which a fresh run may touch).
        // Three runs: with two, a step's band is one draw of the noise, and at times so small that a fresh run of the same
        // code lands 12x beyond it at step 4 (seen in a full run: the plain compare of resume-moment FAILed)
        HarnessRun record = harness("record", "gate", "--suite=suite.toml", "--update", "--calibrate", "--runs=3", "--held-out=0");
        assertEquals(0, record.exit(), record.toString());
        assertTrue(Files.isRegularFile(repo.resolve("configs/noise/tiny_gpt.json")), record.toString());
        assertTrue(Files.isRegularFile(repo.resolve("configs/golden/tiny_gpt.json")), record.toString());
        String why = "(?s).*" + Pattern.quote(noise) + ".*: the trainer does not repeat itself bitwise \\(its calibration's plain"
                + " repeats parted from step [12]\\), so the golden's environment is judged within that noise too\\]$";

        checkout("HEAD~1");
        HarnessRun rename = harness("gate-rename", "gate", "--suite=suite.toml");
        assertEquals(0, rename.exit(), rename.toString());
        String pass = rename.line("PASS tiny_gpt");
        assertTrue(pass.contains("within noise (") && pass.matches(why), pass);
        assertPartedByEnvelope(rename.only().trainerRepeats(), "configs/noise/tiny_gpt.json");

        checkout("HEAD");
        HarnessRun lr = harness("gate-lr", "gate", "--suite=suite.toml");
        assertEquals(1, lr.exit(), lr.toString());
        String fail = lr.line("FAIL tiny_gpt");
        assertTrue(fail.matches("FAIL tiny_gpt \\(model default\\): loss differs from step 2: [0-9.e+]+× the measured noise.*"), fail);
        assertTrue(fail.matches(why), fail);
    }

    /** A branch {@code name} from {@code from} with one commit replacing {@code was} by {@code is} in train.py; its sha. */
    private String branch(String name, String from, String was, String is) throws Exception {
        try {
            git.checkout().setCreateBranch(true).setName(name).setStartPoint(from).call();
            ProjectFiles.edit(repo, "train.py", was, is);
            git.add().addFilepattern("train.py").call();
            return git.commit().setMessage(name).setAuthor("t", "t@example.invalid").setCommitter("t", "t@example.invalid")
                    .setSign(false).call().name();
        } finally {
            checkout("HEAD");
        }
    }

    /**
     * Puts the working tree at main's {@code rev} (the gate judges the working tree), main itself
     * for HEAD; untracked goldens and envelopes stay.
     */
    private void checkout(String rev) throws Exception {
        git.checkout().setName(rev.equals("HEAD") ? "main" : git.getRepository().resolve(rev.replace("HEAD", "main")).name()).call();
    }
}
