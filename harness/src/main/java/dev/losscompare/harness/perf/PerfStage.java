package dev.losscompare.harness.perf;

import dev.losscompare.core.judge.Judgement;
import dev.losscompare.core.perf.PerfJudge;
import dev.losscompare.core.perf.PerfVerdict;
import dev.losscompare.core.result.Verdict;
import dev.losscompare.harness.engine.CaseCheck;
import dev.losscompare.harness.engine.CaseEngine;
import dev.losscompare.harness.engine.TrainedSide;
import java.io.IOException;
import java.util.List;

/**
 * The engine's one hook for the performance verdict (a {@link CaseCheck}, run after the judge by
 * the report sink and bisect's probe sink): when both sides are revisions trained here, the
 * harness times them itself ({@link PerfTiming}: alternated rounds, one run at a time); otherwise
 * (diff, an imported file, an untimed request) the series' own steps are the timing there is.
 * {@link PerfJudge} decides; the verdict goes into the case beside the numeric one and never
 * changes it. A case that could not be decided numerically gets none (nothing to time).
 */
public final class PerfStage implements CaseCheck {
    private final PerfRequest request;
    private final TrainedSide reference;

    /** {@code request} null: no performance verdict (the stage changes nothing). */
    public PerfStage(PerfRequest request) {
        this(request, null);
    }

    /**
     * @param reference the revision behind a recorded baseline (bisect: GOOD behind its runs), timed
     *                  in its place; null: the plan's baseline
     */
    public PerfStage(PerfRequest request, TrainedSide reference) {
        this.request = request;
        this.reference = reference;
    }

    @Override
    public Judgement apply(CaseEngine.CaseRun run, Judgement j) throws IOException {
        if (request == null || j.result().verdict() == Verdict.ERROR) return j;
        CaseEngine.Plan plan = run.plan();
        String label = run.c().id().label();
        TrainedSide base = reference != null ? reference : plan.baseline() instanceof TrainedSide b ? b : null;
        PerfVerdict p;
        if (!request.timed() || base == null || !(plan.test() instanceof TrainedSide test)) {
            p = PerfJudge.judge(label, List.of(run.baseline().series()), List.of(run.test().series()), request.thresholds());
        } else {
            plan.session().console().out().println("timing " + label + ": " + request.rounds()
                    + " rounds per side, alternated, one run at a time ...");
            PerfTiming.Rounds r = PerfTiming.time(plan.session(), plan.training(), run.c(), run.caseDir(), request.rounds(), base, test,
                    run.seed());
            if (r.error() != null) {
                p = PerfJudge.notTimed(label, r.error(), request.thresholds());
            } else {
                p = PerfJudge.judge(label, r.baseline(), r.test(), request.thresholds(), r.conditions());
            }
        }
        return p == null ? j : new Judgement(j.result().withPerformance(p), j.diffs(), j.verdictLine());
    }
}
