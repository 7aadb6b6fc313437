package dev.losscompare.harness.resume;

import dev.losscompare.core.judge.ResumeJudge;
import dev.losscompare.core.result.ResumeResult;
import dev.losscompare.core.result.Verdict;
import dev.losscompare.core.series.RunSeries;
import dev.losscompare.harness.adapter.Checkpoints;
import dev.losscompare.harness.pipeline.CaseSpec;
import dev.losscompare.harness.pipeline.TrainedRevision;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * The resume check of one trained side: train 1..N writing a checkpoint every K steps (the
 * continuous run, which must equal the side's plain run), resume K+1..N from a copy of its step-K
 * checkpoint, judge (ResumeJudge). When it differs and the checkpoints are this project's, a third
 * run writes the continuous state after step K+1, and the two manifests of that step say which
 * state went elsewhere ({@link StateDiff}).
 */
final class ResumeCheck {
    /** The continuous run's checkpoint folder (the across check resumes from it) and the result. */
    record Done(Path continuousCheckpoints, RunSeries continuous, ResumeResult result) {}

    private ResumeCheck() {}

    static Done run(TrainedRevision side, CaseSpec c, int k, Path seedFile, RunSeries plain, List<String> metrics, Path dir)
            throws IOException {
        int steps = side.training().steps();
        String role = side.role();
        var out = side.session().console().out();
        out.println("resume check of " + role + " " + side.tree().revision().spec() + ": steps 1-" + steps
                + " writing checkpoints every " + k + ", then resuming from step " + k + " ...");
        Path saved = dir.resolve("checkpoints_continuous"), resumedFolder = dir.resolve("checkpoints_resumed");
        CheckpointRun.Outcome continuous = CheckpointRun.run(side, c, seedFile, new Checkpoints(saved, k, null), dir, "continuous");
        if (continuous.error() != null) return new Done(saved, continuous.series(), error(role, k, steps, continuous.error()));
        if (!Folders.exists(saved)) {
            return new Done(saved, continuous.series(), error(role, k, steps, "the continuous run wrote no checkpoint into " + saved));
        }
        Folders.copy(saved, resumedFolder, side.adapter().writesOwnCheckpoints());
        // Resumed with interval K+1: its first step writes the state after step K+1, for the diagnosis.
        CheckpointRun.Outcome resumed = CheckpointRun.run(side, c, seedFile, new Checkpoints(resumedFolder, k + 1, k), dir, "resumed");
        ResumeResult r = resumed.error() != null && resumed.series() == null
                ? error(role, k, steps, resumed.error())
                : ResumeJudge.judge(role, k, false, steps, metrics, new ResumeJudge.Runs(plain, continuous.series(), resumed.series()));
        if (r.verdict() == Verdict.PASS && resumed.error() != null) r = error(role, k, steps, resumed.error());
        if (r.verdict() == Verdict.FAIL && side.adapter().writesOwnCheckpoints() && r.firstDivergentStep() > k) {
            r = r.withState(diagnose(side, c, k, seedFile, saved, resumedFolder, dir));
        }
        out.println(r.line());
        return new Done(saved, continuous.series(), r);
    }

    /** What the step-K checkpoint lacks, and which state differs after step K+1 (a third run writes the continuous one). */
    private static String diagnose(TrainedRevision side, CaseSpec c, int k, Path seedFile, Path saved, Path resumedFolder, Path dir)
            throws IOException {
        List<String> parts = new ArrayList<>();
        try {
            String notSaved = StateDiff.notSaved(StateDiff.read(saved.resolve("step-" + k)));
            if (notSaved != null) parts.add(notSaved);
            Path reference = dir.resolve("checkpoints_reference");
            CheckpointRun.Outcome ref = CheckpointRun.run(side, c, seedFile, new Checkpoints(reference, k + 1, null), dir, "reference");
            if (ref.error() != null) {
                parts.add("no state comparison: " + ref.error());
            } else {
                parts.add(StateDiff.after(StateDiff.read(reference.resolve("step-" + (k + 1))),
                        StateDiff.read(resumedFolder.resolve("step-" + (k + 1)))));
            }
        } catch (IOException e) {
            parts.add("no state comparison: " + e.getMessage());
        }
        return String.join("; ", parts);
    }

    /** The continuation of {@code baseline}'s continuous run by {@code test} from the baseline's step-K checkpoint (--resume-across). */
    static ResumeResult across(TrainedRevision test, CaseSpec c, int k, Path seedFile, Done baseline, Path ownCheckpoints,
                               List<String> metrics, Path dir) throws IOException {
        int steps = test.training().steps();
        test.session().console().out().println("resume check across: test " + test.tree().revision().spec()
                + " resuming from the baseline's step-" + k + " checkpoint ...");
        Path folder = dir.resolve("checkpoints_from_baseline");
        Folders.copy(baseline.continuousCheckpoints(), folder, test.adapter().writesOwnCheckpoints());
        CheckpointRun.Outcome resumed = CheckpointRun.run(test, c, seedFile, new Checkpoints(folder, k + 1, k), dir, "resumed_across");
        String formatChange = null;
        if (test.adapter().writesOwnCheckpoints() && ownCheckpoints != null) {
            try {
                formatChange = StateDiff.namesDiffer(StateDiff.read(baseline.continuousCheckpoints().resolve("step-" + k)),
                        StateDiff.read(ownCheckpoints.resolve("step-" + k)));
            } catch (IOException e) {
                formatChange = null; // the test's own check says what is wrong with its checkpoints
            }
        }
        ResumeResult r;
        if (resumed.series() == null || resumed.series().steps().isEmpty() && resumed.exitCode() != 0) {
            // A checkpoint the new code cannot load is the answer to "can it continue?": no. A FAIL, with the trainer's line.
            r = resumed.exitCode() == 2
                    ? new ResumeResult("test", k, true, steps, Verdict.FAIL, k + 1, "the test revision cannot load it: "
                            + resumed.lastLine(), formatChange, null)
                    : new ResumeResult("test", k, true, steps, Verdict.ERROR, null, null, null, resumed.error());
        } else {
            r = ResumeJudge.judge("test", k, true, steps, metrics, new ResumeJudge.Runs(null, baseline.continuous(), resumed.series()));
            if (r.verdict() == Verdict.FAIL && formatChange != null) r = r.withState(formatChange);
        }
        test.session().console().out().println(r.line());
        return r;
    }

    private static ResumeResult error(String role, int k, int steps, String why) {
        return new ResumeResult(role, k, false, steps, Verdict.ERROR, null, null, null, why);
    }

}
