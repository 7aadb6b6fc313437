package dev.losscompare.harness.perf;

import dev.losscompare.core.judge.Judgement;
import dev.losscompare.core.perf.PerfJudge;
import dev.losscompare.core.perf.PerfOutcome;
import dev.losscompare.core.perf.PerfStatus;
import dev.losscompare.core.perf.PerfText;
import dev.losscompare.core.perf.PerfVerdict;
import dev.losscompare.core.perf.RecordedPerf;
import dev.losscompare.core.perf.SidePerf;
import dev.losscompare.core.result.Verdict;
import dev.losscompare.harness.engine.CaseCheck;
import dev.losscompare.harness.engine.CaseEngine;
import dev.losscompare.harness.engine.TrainedSide;
import java.io.IOException;
import java.util.List;

/**
 * The engine's one hook for the performance verdict (a {@link CaseCheck}, run after the judge by
 * the report sink and bisect's probe sink). When both sides are revisions trained here, the
 * harness times them itself ({@link PerfTiming}: rounds alternated A B, B A, …, one run at a
 * time). Against a golden, its recorded figures are compared with the working tree's (timed in
 * rounds, or its run) only where the environment matches ({@link PerfEnvironment}), else "not
 * comparable". Otherwise (diff, an imported file) the series' own steps are the timing there is. {@link PerfJudge}
 * decides; the verdict goes into the case beside the numeric one and never changes it. A case
 * that could not be decided numerically gets none (nothing to time).
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
        PerfVerdict p = verdict(run);
        return p == null ? j : j.withResult(j.result().withPerformance(p));
    }

    private PerfVerdict verdict(CaseEngine.CaseRun run) throws IOException {
        CaseEngine.Plan plan = run.plan();
        String label = run.c().id().label();
        if (againstGolden(plan)) return againstRecorded(run, plan.baseline().recordedPerformance(run.c()));
        TrainedSide base = reference != null ? reference : plan.baseline().trained();
        TrainedSide test = plan.test().trained();
        if (!request.timed() || base == null || test == null) {
            return PerfJudge.judge(CommandLineWords.PERF, label, List.of(run.baseline().series()), List.of(run.test().series()), request.thresholds());
        }
        announce(run);
        PerfTiming.Rounds r = PerfTiming.time(plan.session(), plan.training(), run.c(), run.caseDir(), request.rounds(), base, test,
                run.seed());
        while (true) {
            if (r.error() != null) return PerfJudge.notTimed(label, r.error(), request.thresholds());
            PerfVerdict v = PerfJudge.judge(CommandLineWords.PERF, label, r.baseline(), r.test(), request.thresholds(), r.conditions(),
                    request.looks());
            int done = r.baseline().size();
            if (!undecided(v) || done >= request.maxRounds()) return v;
            // Undecided: the paired rounds' interval narrows as rounds are added, up to maxRounds.
            int extra = Math.min(PerfRequest.MORE_ROUNDS, request.maxRounds() - done);
            plan.session().console().out().println("timing " + label + ": not decided after " + done + " rounds (" + undecidedNames(v)
                    + "): " + extra + " more, up to " + request.maxRounds() + " ...");
            r = PerfTiming.more(plan.session(), plan.training(), run.c(), run.caseDir(), r, extra, base, test, run.seed());
        }
    }

    /** A performance ERROR only because a quantity is undecided: its interval reaches past its threshold, and no FAIL decided. */
    private static boolean undecided(PerfVerdict v) {
        return v.status() == PerfStatus.ERROR && v.changes().stream().anyMatch(c -> c.outcome() == PerfOutcome.UNDECIDED);
    }

    private static String undecidedNames(PerfVerdict v) {
        return String.join(", ", v.changes().stream().filter(c -> c.outcome() == PerfOutcome.UNDECIDED)
                .map(c -> c.quantity().label() + " " + PerfText.percent(c.change()) + ", noise " + PerfText.noise(c.noise())).toList());
    }

    /** A golden's figures against the test side's: compared only in the environment they were measured in. */
    private PerfVerdict againstRecorded(CaseEngine.CaseRun run, RecordedPerf recorded) throws IOException {
        String label = run.c().id().label();
        if (recorded == null && request.thresholds().any()) {
            // A threshold with nothing to check is an ERROR, never a quiet pass.
            return PerfJudge.notChecked(CommandLineWords.PERF, label, "the golden has no performance figures; record them with: ./loss_compare.sh gate --update"
                    + " --perf (on the machine the gate runs on)", request.thresholds());
        }
        if (recorded == null) {
            return PerfJudge.notComparable(label, "the golden has no performance figures (record them with: ./loss_compare.sh gate --update)",
                    request.thresholds());
        }
        String difference = recorded.environmentDifference(PerfEnvironment.of(run.test().series().meta()));
        if (!difference.isEmpty()) {
            return PerfJudge.notComparable(label, "the golden's figures were measured in another environment (" + difference
                    + "), so they are not compared", request.thresholds());
        }
        SidePerf now;
        String conditions;
        TrainedSide test = run.plan().test().trained();
        if (request.timed() && test != null) {
            announce(run);
            PerfTiming.Rounds r = PerfTiming.timeOne(run.plan().session(), run.plan().training(), run.c(), run.caseDir(),
                    request.rounds(), test, run.seed());
            if (r.error() != null) return PerfJudge.notTimed(label, r.error(), request.thresholds());
            now = SidePerf.of(r.baseline());
            conditions = r.aloneConditions();
        } else {
            now = SidePerf.of(List.of(run.test().series()));
            conditions = "its run";
        }
        return PerfJudge.judge(CommandLineWords.PERF, label, recorded.measured(), now, request.thresholds(),
                "golden: " + recorded.conditions() + "; now: " + conditions, 0);
    }

    /** The baseline keeps speed and memory beside its series (a golden), not in its steps. */
    private static boolean againstGolden(CaseEngine.Plan plan) {
        return plan.baseline().keepsPerformanceApart();
    }

    private void announce(CaseEngine.CaseRun run) {
        run.plan().session().console().out().println("timing " + run.c().id().label() + ": " + request.rounds()
                + " rounds per side" + (againstGolden(run.plan()) ? " (the working tree; "
                + "the golden's figures were recorded)" : ", alternated " + PerfTiming.orderText(request.rounds()) + " (A baseline, B test)")
                + ", one run at a time ...");
    }
}
