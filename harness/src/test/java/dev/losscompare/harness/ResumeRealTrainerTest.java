package dev.losscompare.harness;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.losscompare.core.result.CaseResult;
import dev.losscompare.core.result.ResumeResult;
import dev.losscompare.core.result.Verdict;
import java.nio.file.Files;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The resume check with the real trainer: this project copied into a temporary repository, one
 * commit per test on a branch from it, compared with its parent with --resume-at=2 over 4 steps at
 * tiny shapes. A change that stops saving the optimizer's second moment, and one that forgets the
 * data position on resume, FAIL the check from step 3 and name the state; a pure refactor PASSes.
 * The plain series of such changes are identical: only the resume check can see them.
 */
@Timeout(value = 30, unit = TimeUnit.MINUTES)
class ResumeRealTrainerTest extends ClonedProjectTest {
    private static final String STATE = "trainer/src/main/java/dev/losscompare/trainer/checkpoint/TrainingState.java";
    private static final String LLAMA3 = "llama3 debugmodel";
    /** A pure refactor of the checkpoint code: a local renamed. */
    private static final String RENAME_FROM = "        Map<String, Tensor> out = live();\n        out.putAll(rng.states());\n        return out;";
    private static final String RENAME_TO = "        Map<String, Tensor> all = live();\n        all.putAll(rng.states());\n        return all;";

    @Override
    String cacheName() {
        return "resume-cache";
    }

    @Test
    void aCheckpointWithoutTheSecondMomentFailsFromTheStepAfterTheResumeAndSaysSo() throws Exception {
        change("no-second-moment", "checkpoints: stop saving the optimizer's second moment",
                "        optimizer.secondMoments().forEach((name, t) -> out.put(SECOND_MOMENT + name, t));\n", "");
        HarnessRun r = run("moment", "HEAD~1", "HEAD", "--steps=4", "--resume-at=2", "--resume-across", TINY);
        assertEquals(1, r.exit(), r.toString());
        String line = r.line("FAIL " + LLAMA3 + ": loss, grad_norm identical over 4 steps");
        assertTrue(line.contains("resume at 2 (baseline): identical (steps 3-4 bitwise equal to the continuous run)"), line);
        // Step 3's loss and grad_norm are computed before its update, from the restored weights: they agree; its update does not.
        assertTrue(line.contains("resume at 2 (test): differs from step 3 (in its update: the state after step 3 differs;"
                + " the series part from step 4: loss "), line);
        assertTrue(line.contains("the step-2 checkpoint does not save: optimizer second moment (exp_avg_sq)"
                + " (no optimizer.exp_avg_sq.* tensors)"), line);
        assertTrue(line.contains("state after step 3: differs: weights ("), line);
        assertTrue(line.contains("identical: optimizer first moment (exp_avg), RNG state, data position, lr, optimizer step count"), line);
        // New code cannot continue the old checkpoint: its state has no place for the second moment.
        assertTrue(line.contains("resume at 2 (test from the baseline's checkpoint): differs from step 3 (the test revision"
                + " cannot load it: error: checkpoint "), line);
        assertTrue(line.contains("does not fit this run's state: missing [], unexpected [optimizer.exp_avg_sq."), line);

        CaseResult c = r.only();
        assertEquals(Verdict.FAIL, c.verdict());
        assertTrue(c.metrics().stream().allMatch(m -> m.verdict() == Verdict.PASS), "the plain series agree");
        List<ResumeResult> checks = c.resume();
        assertEquals(List.of(Verdict.PASS, Verdict.FAIL, Verdict.FAIL), checks.stream().map(ResumeResult::verdict).toList());
        assertEquals(3, checks.get(1).firstDivergentStep());
        assertNotNull(checks.get(1).state());
        assertTrue(Files.isRegularFile(r.folder().resolve("llama3_debugmodel/resume/test/checkpoints_continuous/step-2/manifest.json")));
        assertTrue(Files.notExists(r.folder().resolve("llama3_debugmodel/resume/test/checkpoints_continuous/step-2/state.safetensors")),
                "the tensors are not kept");
    }

    @Test
    void aResumeThatForgetsTheDataPositionFailsFromTheStepAfterTheResumeAndNamesIt() throws Exception {
        change("no-data-position", "checkpoints: forget to restore the data position", "        data.seek(counters.data());\n", "");
        HarnessRun r = run("data", "HEAD~1", "HEAD", "--steps=4", "--resume-at=2", TINY);
        assertEquals(1, r.exit(), r.toString());
        String line = r.line("FAIL " + LLAMA3 + ": loss, grad_norm identical over 4 steps");
        assertTrue(line.contains("resume at 2 (test): differs from step 3 (its inputs differ: data_fingerprint "), line);
        assertTrue(line.contains("differs: weights ("), line);
        assertTrue(line.contains("data position ({\"documents\":"), line);
        assertTrue(line.contains("resume at 2 (baseline): identical"), line);
        ResumeResult test = r.only().resume().get(1);
        assertEquals("test", test.side());
        assertEquals(3, test.firstDivergentStep());

        // Compared again: the baseline's check that passed is judged from its kept runs; the failing one trains again
        // (its state diagnosis needs the checkpoints), with the same verdict.
        HarnessRun again = run("data-again", "HEAD~1", "HEAD", "--steps=4", "--resume-at=2", TINY);
        assertEquals(1, again.exit(), again.toString());
        assertTrue(again.out().contains("resume check of baseline HEAD~1: steps 1-4, resumed from step 2: from cache (not trained)"),
                again.toString());
        assertTrue(again.out().contains("resume check of test HEAD: steps 1-4 writing checkpoints every 2, then resuming from step 2"),
                again.toString());
        assertEquals(line, again.line("FAIL " + LLAMA3 + ": loss, grad_norm identical over 4 steps"));
    }

    @Test
    void aPureRefactorOfTheCheckpointCodePasses() throws Exception {
        change("refactor", "checkpoints: rename a local", RENAME_FROM, RENAME_TO);
        HarnessRun r = run("refactor", "HEAD~1", "HEAD", "--steps=4", "--resume-at=2", "--resume-across", TINY);
        assertEquals(0, r.exit(), r.toString());
        String line = r.line("PASS " + LLAMA3 + ": loss, grad_norm identical over 4 steps");
        assertTrue(line.endsWith("; resume at 2 (baseline): identical (steps 3-4 bitwise equal to the continuous run)"
                + "; resume at 2 (test): identical (steps 3-4 bitwise equal to the continuous run)"
                + "; resume at 2 (test from the baseline's checkpoint): identical (steps 3-4 bitwise equal to the continuous run)"), line);
    }

    @Test
    void bisectFindsTheCommitThatBreaksResumingThoughNoPlainSeriesMoves() throws Exception {
        change("bisect-resume", "checkpoints: rename a local", RENAME_FROM, RENAME_TO);
        ProjectFiles.edit(repoDir, STATE, "        data.seek(counters.data());\n", "");
        String culprit = ProjectFiles.commit(git, "checkpoints: forget to restore the data position").name();
        HarnessRun r = run("bisect", "bisect", "HEAD~2", "HEAD", "--steps=4", "--resume-at=2", "--jobs=1", TINY);
        assertEquals(0, r.exit(), r.toString());
        assertTrue(r.out().contains("first commit that moved the numbers: " + culprit.substring(0, 10)), r.toString());
        String report = Files.readString(r.folder().resolve("culprit/summary.md"));
        assertTrue(report.contains("resume at 2 (test): differs from step 3 (its inputs differ"), report);
    }

    /** A branch from main with one commit that replaces {@code from} by {@code to} in TrainingState. */
    private void change(String branch, String message, String from, String to) throws Exception {
        ProjectFiles.branch(git, branch);
        ProjectFiles.edit(repoDir, STATE, from, to);
        ProjectFiles.commit(git, message);
    }
}
