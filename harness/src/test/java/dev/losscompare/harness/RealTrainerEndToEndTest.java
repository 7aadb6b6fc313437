package dev.losscompare.harness;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.losscompare.core.result.Comparison;
import dev.losscompare.core.result.ComparisonJson;
import dev.losscompare.core.result.MetricResult;
import dev.losscompare.core.result.Verdict;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The real trainer on real commits: this project's tracked files copied into a temporary
 * repository, then a refactor commit (exit 0), a learning-rate commit (exit 1, first divergence
 * at step 2, since step 1's loss is computed before any update) and a bad revision (exit 2).
 * Tiny shapes keep each run to seconds; the cost is building the trainer once per tree.
 */
@Timeout(value = 10, unit = TimeUnit.MINUTES)
class RealTrainerEndToEndTest extends ClonedProjectTest {
    private static final String TRAINER = "trainer/src/main/java/dev/losscompare/trainer/train/Trainer.java";

    @Override
    String cacheName() {
        return "e2e-cache";
    }

    private void commit(String message) throws Exception {
        ProjectFiles.commit(git, message);
    }

    @Test
    void aPureRefactorCommitPassesAndTheCloneIsUntouched() throws Exception {
        git.checkout().setCreateBranch(true).setName("refactor").setStartPoint("main").call();
        String source = Files.readString(repoDir.resolve(TRAINER));
        String renamed = source.replaceAll("\\bseconds\\b", "stepSeconds");
        assertTrue(!renamed.equals(source), "the refactor must change the trainer's source");
        Files.writeString(repoDir.resolve(TRAINER), renamed);
        commit("rename a local variable");
        String head = git.getRepository().resolve("HEAD").name();

        HarnessRun r = run("refactor", DocCommands.readme("HEAD~1 HEAD --steps=3 " + TINY));   // README's tour
        assertEquals(0, r.exit(), r.toString());
        assertTrue(r.out().contains("PASS llama3 debugmodel: loss, grad_norm identical over 3 steps"), r.toString());
        assertEquals(head, git.getRepository().resolve("HEAD").name());
        assertEquals("refactor", git.getRepository().getBranch());
        assertTrue(git.status().call().isClean(), "git status clean after the comparison");
    }

    @Test
    void aLearningRateChangeFailsAtStepTwo() throws Exception {
        git.checkout().setCreateBranch(true).setName("lr").setStartPoint("main").call();
        Path config = repoDir.resolve("configs/llama3_debug.toml");
        String text = Files.readString(config);
        String changed = text.replaceFirst("(?m)^lr = .*$", "lr = 2e-3");
        assertTrue(!changed.equals(text), "the config has an optimizer lr line");
        Files.writeString(config, changed);
        commit("raise the learning rate");

        HarnessRun r = run("lr", "HEAD~1", "HEAD", "--steps=3", TINY);
        assertEquals(1, r.exit(), r.toString());
        assertTrue(r.out().contains("FAIL llama3 debugmodel: loss differs from step 2 (max rel diff "), r.toString());
        Comparison c = ComparisonJson.read(r.folder().resolve("comparison.json"));
        MetricResult loss = c.cases().get(0).metrics().get(0);
        assertEquals("loss", loss.metric());
        assertEquals(2, loss.firstDivergentStep());
        assertTrue(git.status().call().isClean());
    }

    @Test
    void theSignoffSuitePassesAllSevenCasesAndItsResumeCheckOnAPureRefactor() throws Exception {
        git.checkout().setCreateBranch(true).setName("suite-refactor").setStartPoint("main").call();
        Path block = repoDir.resolve("trainer/src/main/java/dev/losscompare/trainer/model/TransformerBlock.java");
        String source = Files.readString(block);
        String renamed = source.replaceAll("\\bTensor h\\b", "Tensor residual").replaceAll("\\bh\\.add\\(", "residual.add(")
                .replace("Ops.rmsNorm(h, ffnNorm", "Ops.rmsNorm(residual, ffnNorm");
        assertTrue(!renamed.equals(source), "the refactor must change the shared block's source");
        Files.writeString(block, renamed);
        commit("rename the residual in the shared transformer block");

        HarnessRun r = run("suite", DocCommands.readme("HEAD~1 HEAD --suite=configs/signoff.toml --steps=2 " + TINY));   // README's tour
        assertEquals(0, r.exit(), r.toString());
        for (String c : List.of("llama3", "llama3_flex", "llama4", "llama4_irope", "deepseek_v3", "deepseek_v3_flex", "resume")) {
            assertTrue(r.out().lines().anyMatch(l -> l.matches(c + "\\s+PASS\\s+PASS\\s+PASS\\s+-")), c + "\n" + r);
        }
        assertTrue(r.out().contains("PASS resume (llama4 debugmodel): loss, grad_norm identical over 2 steps; resume at 1 (baseline):"
                + " identical (step 2 bitwise equal to the continuous run); resume at 1 (test): identical"), r.toString());
        assertEquals(7, ComparisonJson.read(r.folder().resolve("comparison.json")).cases().size());
        assertTrue(git.status().call().isClean());
    }

    /**
     * configs/parity.toml end to end as README runs it, one model: one rank against two on the same
     * global batch is not bitwise, and is judged within the suite's calibrated envelope
     * (configs/noise/parity) at the suite's own steps and shapes.
     */
    @Test
    void theParitySuitePassesOneRankAgainstTwoWithinItsMeasuredNoise() throws Exception {
        HarnessRun r = run("parity", "HEAD", "HEAD", "--suite=configs/parity.toml", "--cases=llama3");
        assertEquals(0, r.exit(), r.toString());
        assertTrue(r.out().matches("(?s).*PASS llama3 \\(llama3 debugmodel\\): loss(, grad_norm)? within noise \\([0-9.]+\u00d7 the measured noise\\).* over 5 steps.*"),
                r.toString());
        assertTrue(r.out().contains("configs/noise/parity/llama3.json"), "names the envelope\n" + r);
        assertTrue(Files.isRegularFile(r.folder().resolve("llama3/test_training.rank1.log")), "per-rank logs");
        var c = ComparisonJson.read(r.folder().resolve("comparison.json")).cases().get(0);
        assertTrue(c.mode().isNoise(), "judged against the envelope");
        assertEquals(2, ((Number) c.test().meta().get("world_size")).intValue());
        assertEquals(1, ((Number) c.baseline().meta().get("world_size")).intValue());
        HarnessRun bitwise = run("parity-bitwise", "HEAD", "HEAD", "--suite=configs/parity.toml", "--cases=llama3", "--assert-equal");
        assertEquals(1, bitwise.exit(), "--assert-equal wins over the suite's envelopes: bitwise: one rank and two differ in the last bits\n" + bitwise);
    }

    /**
     * The goldens and configs/noise were recorded with the portable kernels; with the native set the
     * environment differs, so the gate judges each case against its envelope, not its atol/rtol.
     */
    @Test
    void theGateWithNativeKernelsPassesWithinTheNoiseOfThePortableEnvelopes() throws Exception {
        HarnessRun r = run("gate-native", "gate", "--native-kernels", "--cases=llama3,deepseek_v3_flex");
        assertEquals(0, r.exit(), r.toString());
        for (var c : ComparisonJson.read(r.folder().resolve("comparison.json")).cases()) {
            assertEquals(Verdict.PASS, c.verdict(), c.name() + "\n" + r);
            assertTrue(c.mode().isNoise(), c.name() + " is judged against its envelope\n" + r);
            assertTrue(r.out().contains("configs/noise/" + c.name() + ".json"), c.name() + ": the envelope is named\n" + r);
        }
    }

    /**
     * The baseline's own training run writes the case's seed checkpoint on the way (no
     * seed-checkpoint run) and the test side loads that file. When the runs are in the result
     * cache but the seed is not, a seed-checkpoint run writes it first, as before; when the
     * baseline's run fails before writing it, the case's error is the seed checkpoint's, as
     * before. Its own seed and steps, so no other test's cache entries serve it.
     */
    @Test
    void theBaselinesRunWritesTheSeedCheckpointOrASeedRunDoesAsBefore() throws Exception {
        git.checkout().setCreateBranch(true).setName("readme").setStartPoint("main").call();
        Files.writeString(repoDir.resolve("README.md"), Files.readString(repoDir.resolve("README.md")) + "\nA line.\n");
        commit("a line of README");
        String[] args = {"HEAD~1", "HEAD", "--steps=2", "--seed=11", TINY};

        HarnessRun first = run("seed-in-run", args);
        assertEquals(0, first.exit(), first.toString());
        assertTrue(first.out().contains("creating the seed checkpoint with baseline HEAD~1 in its training run\n"), first.toString());
        Path caseDir = first.folder().resolve("llama3_debugmodel"), seed = caseDir.resolve("seed_checkpoint.safetensors");
        assertTrue(Files.readString(caseDir.resolve("baseline_training.log")).contains("own initialization written: " + seed + "\n"
                + "loaded initial weights: " + seed + "\n"), "the baseline writes it, then loads it\n" + first);
        assertTrue(Files.readString(caseDir.resolve("test_training.log")).contains("loaded initial weights: " + seed + "\n"), first.toString());

        // a seed entry is a flat folder (the seed, its facts, the completion mark)
        try (var entries = Files.list(Path.of("target", cacheName(), "results").toAbsolutePath())) {
            for (Path entry : entries.filter(e -> Files.exists(e.resolve("seed.safetensors"))).toList()) {
                try (var files = Files.list(entry)) {
                    for (Path f : files.toList()) Files.delete(f);
                }
                Files.delete(entry);
            }
        }
        HarnessRun again = run("seed-before-cached-runs", args);
        assertEquals(0, again.exit(), again.toString());
        assertTrue(again.err().contains("baseline HEAD~1: from cache") && again.err().contains("test HEAD: from cache"), again.toString());
        assertTrue(again.out().contains("creating the seed checkpoint with baseline HEAD~1 ...\n")
                && !again.out().contains("in its training run"), again.toString());
        assertEquals(first.line("PASS llama3"), again.line("PASS llama3"));

        git.checkout().setCreateBranch(true).setName("unknown-key").setStartPoint("main").call();
        ProjectFiles.edit(repoDir, "configs/llama3_debug.toml", "[training]\n", "[training]\nno_such_key = 1\n");
        commit("a key the trainer does not know");
        HarnessRun broken = run("seed-of-a-broken-baseline", "HEAD", "readme", "--steps=2", "--seed=11", TINY);
        assertEquals(2, broken.exit(), broken.toString());
        assertTrue(broken.line("ERROR llama3 debugmodel").contains("the baseline revision could not write a seed checkpoint (exit 2): "),
                broken.toString());
        assertTrue(git.status().call().isClean());
    }

    @Test
    void aBadRevisionIsExitTwo() {
        HarnessRun r = run("bad", "HEAD", "no-such-revision", "--steps=3", TINY);
        assertEquals(2, r.exit(), r.toString());
        assertTrue(r.err().startsWith("loss_compare: unknown revision 'no-such-revision'"), r.toString());
    }
}
