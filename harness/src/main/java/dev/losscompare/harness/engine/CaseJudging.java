package dev.losscompare.harness.engine;

import dev.losscompare.core.judge.CaseJudge;
import dev.losscompare.core.judge.CaseJudge.CaseMode;
import dev.losscompare.core.judge.ComparisonMode;
import dev.losscompare.core.judge.Judgement;
import dev.losscompare.core.judge.SideResult;
import dev.losscompare.core.series.RunSeries;
import java.util.List;

/**
 * The judge's side of the engine, written once for every sink that judges (the report, bisect's
 * probes): a case that could not run is an ERROR; a baseline may refuse the test run (a golden
 * under --strict); the baseline chooses the case's mode; then {@link CaseJudge} decides.
 */
public final class CaseJudging {
    private final Judging judging;

    public CaseJudging(Judging judging) {
        this.judging = judging;
    }

    public Judging judging() {
        return judging;
    }

    /** A decided case; {@code compared}: the judge compared the series (false: the case could not run, or was refused). */
    public record Decision(Judgement judgement, boolean compared) {}

    public Decision judge(CaseEngine.CaseRun run) {
        CaseEngine.Plan plan = run.plan();
        CaseSpec c = run.c();
        if (run.error() != null) return new Decision(error(plan, c, run.error()), false);
        SideResult base = run.baseline();
        SideResult tested = run.test();
        if (plan.baseline() instanceof RecordedSide r) {
            String refused = r.refuse(c, tested);
            if (refused != null) return new Decision(error(plan, c, refused), false);
        }
        return new Decision(CaseJudge.judge(c.id(), base, tested, metrics(plan, base.series()), mode(plan, c, tested),
                plan.expectedSteps(plan.baseline()), plan.expectedSteps(plan.test())), true);
    }

    /** A case that could not be compared at all: ERROR on every metric, with sides that never ran. */
    private Judgement error(CaseEngine.Plan plan, CaseSpec c, String why) {
        return CaseJudge.error(c.id(), why, judging.metrics(),
                CaseJudge.notRun(plan.baseline() instanceof TrainedSide ? "baseline" : "golden"), CaseJudge.notRun("test"), null);
    }

    /**
     * The requested mode, unless the baseline decides otherwise (a golden from another
     * environment), or the two trained sides run different rank counts (a parity case: the
     * gradient reduction order differs, so the bits cannot match and the case's own tolerance
     * applies, saying why).
     */
    private CaseMode mode(CaseEngine.Plan plan, CaseSpec c, SideResult tested) {
        ComparisonMode requested = judging.mode();
        if (plan.baseline() instanceof RecordedSide r) return r.mode(c, tested, requested);
        if (!(plan.test() instanceof TrainedSide t) || !(plan.baseline() instanceof TrainedSide b)) return CaseMode.requested(requested);
        int bn = b.ngpus(c), tn = t.ngpus(c);
        if (bn == tn || c.suite().atol() == null && c.suite().rtol() == null) return CaseMode.requested(requested);
        double atol = c.suite().atol() == null ? 0 : c.suite().atol();
        double rtol = c.suite().rtol() == null ? 0 : c.suite().rtol();
        return new CaseMode(ComparisonMode.tolerance(atol, rtol), "the sides run " + bn + " and " + tn
                + " ranks, so the gradient reduction order differs and bitwise is not possible; the case's tolerance applies");
    }

    /**
     * With the default metrics and a baseline that is not this repository's trainer (a file, a
     * foreign trainer), only the metrics the baseline has: a loss-only log is common. Our own
     * trainer always writes both, so a missing one stays an ERROR there.
     */
    private List<String> metrics(CaseEngine.Plan plan, RunSeries baselineSeries) {
        boolean ownTrainer = plan.baseline() instanceof TrainedSide t ? t.ownTrainer() : ((RecordedSide) plan.baseline()).fromOwnTrainer();
        if (ownTrainer || judging.metricsGiven() || baselineSeries == null) return judging.metrics();
        List<String> present = judging.metrics().stream()
                .filter(m -> baselineSeries.steps().stream().anyMatch(r -> r.value(m) != null)).toList();
        return present.isEmpty() ? judging.metrics() : present;
    }
}
