package dev.losscompare.harness.engine;

import dev.losscompare.core.judge.CaseJudge;
import dev.losscompare.core.judge.CaseJudge.CaseMode;
import dev.losscompare.core.judge.ComparisonMode;
import dev.losscompare.core.judge.Judgement;
import dev.losscompare.core.judge.SideResult;
import dev.losscompare.core.result.TrainerRepeats;
import dev.losscompare.core.series.RunSeries;
import java.util.List;
import java.util.Map;

/**
 * The judge's side of the engine, written once for every sink that judges (the report, bisect's
 * probes): a case that could not run is an ERROR; a baseline may refuse the test run (a golden
 * under --strict); the baseline chooses the case's mode, and the case's noise envelope replaces
 * it when the judging has one (--noise, the gate's configs/noise); then {@link CaseJudge} decides.
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
        String refused = plan.baseline().refuse(c, tested);
        if (refused != null) return new Decision(error(plan, c, refused), false);
        List<String> metrics = metrics(plan, base.series());
        CaseMode mode = mode(plan, c, tested);
        Map<String, String> calibratedIn = Map.of();
        TrainerRepeats repeats = null;
        if (judging.noise() != null) {
            NoiseEnvelopes.Choice choice = judging.noise().choose(NoiseEnvelopes.settingsOf(c, trained(plan), plan.training(), metrics), mode);
            if (choice.error() != null) return new Decision(error(plan, c, choice.error()), false);
            mode = choice.mode();
            calibratedIn = choice.calibratedIn();
            repeats = choice.repeats();
            String ranks = ranksDiffer(plan, c);
            if (ranks != null && mode.mode().isNoise()) mode = new CaseMode(mode.mode(), ranks + "; judged within the measured noise");
        }
        Judgement j = CaseJudge.judge(c.id(), base, tested, metrics, mode, plan.expectedSteps(plan.baseline()),
                plan.expectedSteps(plan.test()));
        String elsewhere = calibratedElsewhere(calibratedIn, base);
        if (elsewhere != null) j = j.withResult(j.result().withNote(elsewhere));
        if (repeats != null) j = j.withResult(j.result().withTrainerRepeats(repeats));
        return new Decision(j, true);
    }

    /** The facts that decide the noise, as an envelope and a run's meta both state them. */
    private static final List<String> NOISE_FACTS = List.of("torch_version", "device", "cpu_capability", "blas_core");

    /**
     * An envelope measures the noise of the environment it was calibrated in: where the baseline
     * ran in another (an upgrade judged against the new version's noise), a note says which facts
     * differ and how to calibrate in the baseline's. The verdict is unchanged.
     */
    static String calibratedElsewhere(Map<String, String> calibratedIn, SideResult base) {
        if (calibratedIn.isEmpty() || base == null || base.series() == null) return null;
        List<String> differ = new java.util.ArrayList<>();
        for (String k : NOISE_FACTS) {
            Object ran = base.series().meta().get(k);
            String calibrated = calibratedIn.get(k);
            if (ran != null && calibrated != null && !calibrated.equals(String.valueOf(ran))) differ.add(k + " " + calibrated + " vs " + ran);
        }
        return differ.isEmpty() ? null : "the noise envelope was calibrated in another environment than the baseline ran in ("
                + String.join(", ", differ) + "): calibrate in the baseline's (calibrate --baseline-env=NAME)";
    }

    /** The side whose settings an envelope must match: the trained baseline, else the trained test side (null: neither trains). */
    private static TrainedSide trained(CaseEngine.Plan plan) {
        if (plan.baseline().trained() != null) return plan.baseline().trained();
        return plan.test() == null ? null : plan.test().trained();
    }

    /** A case that could not be compared at all: ERROR on every metric, with sides that never ran. */
    private Judgement error(CaseEngine.Plan plan, CaseSpec c, String why) {
        return CaseJudge.error(c.id(), why, judging.metrics(),
                CaseJudge.notRun(plan.baseline().absentName()), CaseJudge.notRun("test"), null);
    }

    /**
     * The requested mode, unless the baseline decides otherwise (a golden from another
     * environment), or the two trained sides run different rank counts (a parity case: the
     * gradient reduction order differs, so the bits cannot match and the case's own tolerance
     * applies, saying why; a noise envelope, where the case has one, replaces it in {@link #judge}).
     */
    private CaseMode mode(CaseEngine.Plan plan, CaseSpec c, SideResult tested) {
        ComparisonMode requested = judging.mode();
        if (plan.baseline().trained() == null || plan.test().trained() == null) return plan.baseline().mode(c, tested, requested);
        String ranks = ranksDiffer(plan, c);
        if (ranks == null || c.suite().atol() == null && c.suite().rtol() == null) return CaseMode.requested(requested);
        double atol = c.suite().atol() == null ? 0 : c.suite().atol();
        double rtol = c.suite().rtol() == null ? 0 : c.suite().rtol();
        return new CaseMode(ComparisonMode.tolerance(atol, rtol), ranks + "; the case's tolerance applies");
    }

    /** Why two trained sides cannot match bitwise when they run different rank counts (a parity case), or null. */
    private static String ranksDiffer(CaseEngine.Plan plan, CaseSpec c) {
        TrainedSide b = plan.baseline().trained(), t = plan.test() == null ? null : plan.test().trained();
        if (b == null || t == null || b.ngpus(c) == t.ngpus(c)) return null;
        return "the sides run " + b.ngpus(c) + " and " + t.ngpus(c) + " ranks, so the gradient reduction order differs and bitwise"
                + " is not possible";
    }

    /**
     * With the default metrics and a baseline that is not this repository's trainer (a file, a
     * foreign trainer), only the metrics the baseline has: a loss-only log is common. Our own
     * trainer always writes both, so a missing one stays an ERROR there.
     */
    private List<String> metrics(CaseEngine.Plan plan, RunSeries baselineSeries) {
        if (plan.baseline().fromOwnTrainer() || judging.metricsGiven() || baselineSeries == null) return judging.metrics();
        List<String> present = judging.metrics().stream()
                .filter(m -> baselineSeries.steps().stream().anyMatch(r -> r.value(m) != null)).toList();
        return present.isEmpty() ? judging.metrics() : present;
    }
}
