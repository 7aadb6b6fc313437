package dev.losscompare.harness.resume;

import dev.losscompare.core.judge.ComparisonMode;
import dev.losscompare.core.judge.ResumeJudge;
import dev.losscompare.core.result.ResumeResult;
import dev.losscompare.core.result.Verdict;
import dev.losscompare.core.series.RunSeries;
import dev.losscompare.harness.adapter.Checkpoints;
import dev.losscompare.harness.engine.CaseSpec;
import dev.losscompare.harness.engine.Seeds;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * The resume check of one trained side: train 1..N writing a checkpoint every K steps (the
 * continuous run, which must equal the side's plain run), resume K+1..N from a copy of its step-K
 * checkpoint, judge (ResumeJudge). When it differs and the checkpoints are this project's, a third
 * run writes the continuous state after step K+1, and the two manifests of that step say which
 * state went elsewhere ({@link StateDiff}). The two runs of a check that passed are kept in the
 * result cache ({@link CachedResumeRuns}): comparing again judges them instead of training.
 */
final class ResumeCheck {
    /** The continuous run's checkpoint folder (the across check resumes from it) and the result. */
    record Done(Path continuousCheckpoints, RunSeries continuous, ResumeResult result) {}

    private ResumeCheck() {}

    /**
     * @param seed the case's seed checkpoint (its key keys the kept runs)
     * @param needsCheckpoints the continuous run's checkpoints are read later (--resume-across): the check trains even when
     *                         its runs are kept
     */
    static Done run(CheckedSide side, CaseSpec c, int k, Seeds.Seed seed, RunSeries plain, List<String> metrics, ComparisonMode mode,
                    Path dir, boolean needsCheckpoints) throws IOException {
        int steps = side.training().steps();
        String role = side.role();
        var out = side.session().console().out();
        Path seedFile = seed.file();
        Path saved = dir.resolve("checkpoints_continuous"), resumedFolder = dir.resolve("checkpoints_resumed");
        CachedResumeRuns kept = CachedResumeRuns.of(side, c, k, seedFile == null ? null : seed.key());
        if (kept != null && !needsCheckpoints) {
            CachedResumeRuns.Runs runs = kept.restore(side, dir, steps);
            ResumeResult r = runs == null ? null : ResumeJudge.judge(role, k, false, steps, metrics,
                    new ResumeJudge.Runs(plain, runs.continuous(), runs.resumed(), null), mode);
            if (r != null && r.verdict() == Verdict.PASS) {
                out.println("resume check of " + role + " " + side.spec() + ": steps 1-" + steps + ", resumed from step " + k
                        + ": from cache (not trained)");
                out.println(r.line());
                return new Done(saved, runs.continuous(), r);
            }
        }
        out.println("resume check of " + role + " " + side.spec() + ": steps 1-" + steps
                + " writing checkpoints every " + k + ", then resuming from step " + k + " ...");
        CheckpointRun.Outcome continuous = CheckpointRun.run(side, c, seedFile, new Checkpoints(saved, k, null), dir,
                CachedResumeRuns.CONTINUOUS);
        if (continuous.error() != null) return new Done(saved, continuous.series(), error(role, k, steps, continuous.error()));
        if (!Folders.exists(saved)) {
            return new Done(saved, continuous.series(), error(role, k, steps, "the continuous run wrote no checkpoint into " + saved));
        }
        Folders.copy(saved, resumedFolder, side.adapter().writesOwnCheckpoints());
        // Resumed with interval K+1: its first step writes the state after step K+1, for the diagnosis.
        CheckpointRun.Outcome resumed = CheckpointRun.run(side, c, seedFile, new Checkpoints(resumedFolder, k + 1, k), dir,
                CachedResumeRuns.RESUMED);
        ResumeResult r = ResumeJudge.judge(role, k, false, steps, metrics,
                new ResumeJudge.Runs(plain, continuous.series(), resumed.series(), resumed.error()), mode);
        if (side.adapter().writesOwnCheckpoints()) r = compareStates(side, c, k, seedFile, saved, resumedFolder, dir, r);
        if (kept != null && r.verdict() == Verdict.PASS && continuous.error() == null && resumed.error() == null) kept.store(dir);
        out.println(r.line());
        return new Done(saved, continuous.series(), r);
    }

    /**
     * With this project's checkpoints the state is compared too, so a resume that loses state the
     * resumed steps' metrics do not show yet still fails: both runs wrote the state after the last
     * step. When anything differs, a third run writes the continuous state after step K+1, and the
     * diagnosis says what the step-K checkpoint lacks and which state differs after K+1.
     */
    private static ResumeResult compareStates(CheckedSide side, CaseSpec c, int k, Path seedFile, Path saved,
                                              Path resumedFolder, Path dir, ResumeResult r) throws IOException {
        int steps = side.training().steps();
        if (r.verdict() == Verdict.ERROR || r.firstDivergentStep() != null && r.firstDivergentStep() <= k) return r;
        try {
            boolean sameEnd = StateDiff.identical(StateDiff.read(saved.resolve("step-" + steps)),
                    StateDiff.read(resumedFolder.resolve("step-" + steps)));
            if (sameEnd && r.verdict() == Verdict.PASS) return r;
            List<String> parts = new ArrayList<>();
            String notSaved = StateDiff.notSaved(StateDiff.read(saved.resolve("step-" + k)));
            if (notSaved != null) parts.add(notSaved);
            Path reference = dir.resolve("checkpoints_reference");
            CheckpointRun.Outcome ref = CheckpointRun.run(side, c, seedFile, new Checkpoints(reference, k + 1, null), dir, "reference");
            if (ref.error() != null) return r.withState(String.join("; ", parts) + "; no state comparison: " + ref.error());
            var atK1 = StateDiff.read(reference.resolve("step-" + (k + 1)));
            var resumedK1 = StateDiff.read(resumedFolder.resolve("step-" + (k + 1)));
            parts.add(StateDiff.after(atK1, resumedK1));
            String text = String.join("; ", parts);
            if (!StateDiff.identical(atK1, resumedK1)) return r.withStateDifferingAfter(k + 1, text);
            return sameEnd ? r.withState(text) : r.withStateDifferingAfter(steps, text);
        } catch (IOException e) {
            return r.verdict() == Verdict.PASS
                    ? new ResumeResult(side.role(), k, false, steps, Verdict.ERROR, null, null, null, "cannot compare the states: "
                            + e.getMessage())
                    : r.withState("no state comparison: " + e.getMessage());
        }
    }

    /** The continuation of {@code baseline}'s continuous run by {@code test} from the baseline's step-K checkpoint (--resume-across). */
    static ResumeResult across(CheckedSide test, CaseSpec c, int k, Path seedFile, Done baseline, Path ownCheckpoints,
                               List<String> metrics, ComparisonMode mode, Path dir) throws IOException {
        int steps = test.training().steps();
        test.session().console().out().println("resume check across: test " + test.spec()
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
            r = ResumeJudge.judge("test", k, true, steps, metrics,
                    new ResumeJudge.Runs(null, baseline.continuous(), resumed.series(), resumed.error()), mode);
            if (r.verdict() == Verdict.FAIL && formatChange != null) r = r.withState(formatChange);
        }
        test.session().console().out().println(r.line());
        return r;
    }

    private static ResumeResult error(String role, int k, int steps, String why) {
        return new ResumeResult(role, k, false, steps, Verdict.ERROR, null, null, null, why);
    }

}
