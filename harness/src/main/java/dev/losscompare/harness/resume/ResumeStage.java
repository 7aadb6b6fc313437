package dev.losscompare.harness.resume;

import dev.losscompare.core.judge.ComparisonMode;
import dev.losscompare.core.judge.Judgement;
import dev.losscompare.core.judge.ResumeJudge;
import dev.losscompare.core.judge.SideResult;
import dev.losscompare.core.noise.RepeatNoise;
import dev.losscompare.core.result.ResumeResult;
import dev.losscompare.core.result.Verdict;
import dev.losscompare.harness.engine.CaseCheck;
import dev.losscompare.harness.engine.CaseEngine;
import dev.losscompare.harness.engine.CaseSpec;
import dev.losscompare.harness.engine.Interrupted;
import dev.losscompare.harness.engine.Seeds;
import dev.losscompare.harness.engine.TrainedSide;
import dev.losscompare.harness.noise.BaselineRepeat;
import dev.losscompare.harness.run.Futures;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * The pipeline's one hook for resume checks: after a case is judged, each trained side (both in
 * compare, the working tree in the gate) runs its {@link ResumeCheck}, with --resume-across the
 * test also continues the baseline's checkpoint, and the results are folded into the case
 * (ResumeJudge.fold): a resumed run that goes elsewhere FAILs the case. Output under
 * {@code <case>/resume/<side>/}; the checkpoints are pruned to their manifests at the end.
 */
public final class ResumeStage implements CaseCheck {
    private final ResumeRequest request;

    public ResumeStage(ResumeRequest request) {
        this.request = request;
    }

    /** The resume checks of a judged case (its trained sides, a recorded one has none), folded into {@code j}. */
    @Override
    public Judgement apply(CaseEngine.CaseRun run, Judgement j) throws IOException {
        CaseSpec c = run.c();
        Integer k = request.stepOf(c);
        if (k == null) return j;
        CaseEngine.Plan plan = run.plan();
        TrainedSide b = plan.baseline() == null ? null : plan.baseline().trained(), t = plan.test() == null ? null : plan.test().trained();
        CheckedSide baseline = b != null ? new CheckedSide(plan.session(), plan.training(), b) : null;
        CheckedSide test = t != null ? new CheckedSide(plan.session(), plan.training(), t) : null;
        if (baseline == null && test == null) return j;
        Path caseDir = run.caseDir();
        Seeds.Seed seed = run.seed();
        SideResult baselineRun = run.baseline(), testRun = run.test();
        List<String> metrics = j.result().metrics().stream().map(m -> m.metric()).toList();
        List<ResumeResult> results = new ArrayList<>();
        int steps = (test != null ? test : baseline).training().steps();
        if (k >= steps) {
            results.add(new ResumeResult(test != null ? "test" : "baseline", k, false, steps, Verdict.ERROR, null, null, null,
                    "resume_at " + k + " leaves no step to resume: it must be below the steps (" + steps + ")"));
            return ResumeJudge.fold(j, results);
        }
        Path root = caseDir.resolve("resume");
        List<Side> sides = new ArrayList<>();
        if (baseline != null) sides.add(new Side(baseline, baselineRun));
        if (test != null) sides.add(new Side(test, testRun));
        ComparisonMode mode = noiseOf(j);
        // --resume-across continues the baseline's checkpoints and compares the test's own: both sides train then.
        boolean needsCheckpoints = request.across() && baseline != null && test != null;
        List<ResumeCheck.Done> done = runAll(sides, plan.jobs(), c, k, seed, metrics, mode, root, needsCheckpoints);
        try {
            for (int i = 0; i < done.size(); i++) results.add(notBitwise(run, sides.get(i), done.get(i).result(), metrics));
            if (needsCheckpoints) {
                results.add(ResumeCheck.across(test, c, k, seed.file(), done.get(0), done.get(1).continuousCheckpoints(), metrics, mode,
                        root.resolve("across")));
            }
        } finally {
            Folders.pruneToManifests(root);
        }
        return ResumeJudge.fold(j, results);
    }

    private record Side(CheckedSide revision, SideResult plain) {}

    /**
     * The case's measured noise when it was judged against an envelope (a resumed run is one more
     * draw of the noise of continuous runs), else bitwise. One repeat of the baseline (a bitwise
     * FAIL's check, {@link RepeatNoise}) is no calibration: then bitwise, and {@link #notBitwise} says so.
     */
    private static ComparisonMode noiseOf(Judgement j) {
        ComparisonMode m = j.result().mode();
        return m != null && m.isNoise() && !RepeatNoise.ENVELOPE.equals(m.noise().envelope()) ? m : ComparisonMode.bitwise();
    }

    /**
     * A bitwise check that FAILs on a trainer not known to repeat itself: the side runs once more
     * (calibrate's "repeat 1", through the result cache), and where its two runs differ the check
     * cannot be judged bitwise: an ERROR saying how far they parted and to calibrate, never a FAIL
     * that is only the trainer's own noise.
     */
    private static ResumeResult notBitwise(CaseEngine.CaseRun run, Side s, ResumeResult r, List<String> metrics) throws IOException {
        TrainedSide side = s.revision().side();
        if (r.verdict() != Verdict.FAIL || r.noise() != null || s.plain() == null || s.plain().series() == null
                || BaselineRepeat.knownBitwise(side, s.plain())) {
            return r;
        }
        BaselineRepeat.Measured m = BaselineRepeat.measure(run, side, s.plain(), metrics);
        if (m.error() != null || m.noise().bitwise()) return r;
        return new ResumeResult(r.side(), r.resumeAt(), r.across(), r.steps(), Verdict.ERROR, null, null, null,
                "the trainer does not repeat itself bitwise (" + m.noise().describe(r.side()) + "), so its resumed run cannot be judged"
                        + " bitwise (it differs from step " + r.firstDivergentStep() + "); "
                        + BaselineRepeat.calibrateHint(side.tree().revision().spec(), "check"));
    }

    /** Each side's check; the two sides at once when --jobs allows, as their plain runs. */
    private List<ResumeCheck.Done> runAll(List<Side> sides, int jobs, CaseSpec c, int k, Seeds.Seed seed, List<String> metrics,
                                          ComparisonMode mode, Path root, boolean needsCheckpoints) throws IOException {
        if (sides.size() < 2 || jobs < 2) {
            List<ResumeCheck.Done> out = new ArrayList<>();
            for (Side s : sides) out.add(check(s, c, k, seed, metrics, mode, root, needsCheckpoints));
            return out;
        }
        ExecutorService pool = Executors.newFixedThreadPool(sides.size());
        try {
            List<Future<ResumeCheck.Done>> futures = new ArrayList<>();
            for (Side s : sides) futures.add(pool.submit(() -> check(s, c, k, seed, metrics, mode, root, needsCheckpoints)));
            List<ResumeCheck.Done> out = new ArrayList<>();
            for (Future<ResumeCheck.Done> f : futures) out.add(Futures.await(f, Interrupted::new));
            return out;
        } finally {
            pool.shutdownNow();
        }
    }

    private static ResumeCheck.Done check(Side s, CaseSpec c, int k, Seeds.Seed seed, List<String> metrics, ComparisonMode mode, Path root,
                                          boolean needsCheckpoints) throws IOException {
        // A side whose plain run failed has nothing to continue: its case is an ERROR already; the check still runs and says so.
        var plain = s.plain() == null ? null : s.plain().series();
        return ResumeCheck.run(s.revision(), c, k, seed, plain, metrics, mode, root.resolve(s.revision().role()), needsCheckpoints);
    }
}
