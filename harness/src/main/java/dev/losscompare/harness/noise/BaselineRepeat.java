package dev.losscompare.harness.noise;

import dev.losscompare.core.judge.CaseJudge;
import dev.losscompare.core.judge.ComparisonMode;
import dev.losscompare.core.judge.DivergenceReason;
import dev.losscompare.core.judge.Judgement;
import dev.losscompare.core.judge.MetricDiff;
import dev.losscompare.core.judge.Numbers;
import dev.losscompare.core.judge.SideResult;
import dev.losscompare.core.judge.StepCount;
import dev.losscompare.core.noise.RepeatNoise;
import dev.losscompare.core.result.CaseResult;
import dev.losscompare.core.result.MetricResult;
import dev.losscompare.core.result.Verdict;
import dev.losscompare.core.text.Setting;
import dev.losscompare.harness.Wording;
import dev.losscompare.harness.engine.CaseCheck;
import dev.losscompare.harness.engine.CaseEngine;
import dev.losscompare.harness.engine.TrainedSide;
import dev.losscompare.harness.engine.VariantRuns;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;

/**
 * Finds out whether a trainer repeats itself bitwise when a bitwise comparison FAILs on a value
 * (no envelope given): the baseline runs once more (as calibrate's "repeat 1", so through the
 * result cache per revision, options, seed checkpoint and environment), and where the two
 * baseline runs differ the case is judged against how far they parted ({@link RepeatNoise}): a
 * difference beyond {@link dev.losscompare.core.judge.NoiseBand#DEFAULT_MARGIN} times that stays a
 * FAIL, now in units of that noise; one within it is an ERROR (undecided), never a plain bitwise
 * FAIL that is only the trainer's own noise. Both say the trainer does not repeat itself and to
 * calibrate. This repository's trainer is bitwise run to run on CPU (deterministic algorithms,
 * pinned threads): it is not re-run there, only when its run says it ran on CUDA.
 */
public final class BaselineRepeat implements CaseCheck {
    @Override
    public Judgement apply(CaseEngine.CaseRun run, Judgement judged) throws IOException {
        CaseResult r = judged.result();
        CaseEngine.Plan plan = run.plan();
        if (r.verdict() != Verdict.FAIL || r.mode() == null || !r.mode().isBitwise() || r.modeReason() != null
                || !(plan.baseline() instanceof TrainedSide b) || !(plan.test() instanceof TrainedSide) || !valueDifference(judged)
                || knownBitwise(b, run.baseline())) {
            return judged;
        }
        var c = run.c();
        plan.session().console().out().println("the bitwise comparison of " + c.id().label()
                + " failed: running the baseline once more to see whether the trainer repeats itself bitwise ...");
        int steps = plan.training().steps();
        List<String> metrics = r.metrics().stream().map(MetricResult::metric).toList();
        Measured m = measure(run, b, run.baseline(), metrics);
        if (m.error() != null) return note(judged, "; a second run of the baseline, to see whether the trainer repeats itself bitwise,"
                + " failed: " + m.error());
        RepeatNoise noise = m.noise();
        if (noise.bitwise()) {
            Judgement same = note(judged, "; the trainer repeats itself bitwise (a second run of the baseline is identical)");
            return same.withResult(same.result().withTrainerRepeats(noise.repeats()));
        }
        String parted = "the trainer does not repeat itself bitwise: " + noise.describe();
        String calibrate = calibrateHint(b.tree().revision().spec(), "compare");
        String why = parted + "; " + calibrate;
        Judgement inNoise = CaseJudge.judge(c.id(), run.baseline(), run.test(), metrics,
                new CaseJudge.CaseMode(ComparisonMode.noise(noise.toBand(b.tree().revision().label())), why), steps, steps);
        Judgement decided = inNoise.result().verdict() != Verdict.PASS ? inNoise
                : CaseJudge.error(c.id(), "not decided: the bitwise comparison differs, but " + parted + "; the difference found is within"
                        + " that (" + multiples(inNoise) + " what the two baseline runs parted by, margin "
                        + Numbers.multiple(inNoise.result().mode().noise().margin()) + "\u00d7); " + calibrate,
                metrics, run.baseline().info(), run.test().info(), new CaseJudge.CaseMode(inNoise.result().mode(), why));
        return decided.withResult(decided.result().withTrainerRepeats(noise.repeats()));
    }

    /** "calibrate its noise (./loss_compare.sh calibrate REV with the same options) and compare with --noise": what every such line advises. */
    public static String calibrateHint(String revision, String verb) {
        return calibrateHint(revision, verb, Wording.COMMAND_LINE);   // verdict lines read the same from every caller
    }

    /** The same advice in a caller's words (bad input: "calibrate(REV) … with setNoise"). */
    public static String calibrateHint(String revision, String verb, Wording wording) {
        return "calibrate its noise (" + wording.line(Wording.Call.CALIBRATE, revision) + " with the same options) and " + verb + " with "
                + wording.name(Setting.NOISE);
    }

    /** How far a run and its repeat parted, or why the repeat gave nothing to measure. */
    public record Measured(RepeatNoise noise, String error) {}

    /**
     * Trains {@code side}'s run of the case once more (calibrate's "repeat 1": through the result
     * cache) and measures how far it parts from {@code first} over the plan's steps.
     */
    public static Measured measure(CaseEngine.CaseRun run, TrainedSide side, SideResult first, List<String> metrics) throws IOException {
        CaseEngine.Plan plan = run.plan();
        var again = new Perturbation.Repeat(1).apply(side.args(run.c(), plan.training()));
        SideResult repeat = VariantRuns.run(plan.session(), plan.training(), side, run.caseDir(),
                List.of(new VariantRuns.Variant(side.role().word() + "_repeat", again, run.seed().file(), run.seed().key())), 1).get(0);
        int steps = plan.training().steps();
        String unusable = repeat.failed() ? repeat.info().error()
                : repeat.series() == null ? "no series" : StepCount.problem(StepCount.upTo(repeat.series(), steps), steps, "repeat");
        if (unusable != null) return new Measured(null, unusable);
        return new Measured(RepeatNoise.of(StepCount.upTo(first.series(), steps), StepCount.upTo(repeat.series(), steps), metrics, steps),
                null);
    }

    /** Whether a metric failed on its values (not on a missing step, which no noise explains). */
    private static boolean valueDifference(Judgement j) {
        for (MetricDiff d : j.diffs()) if (d.divergence() != null && d.divergence().reason() == DivergenceReason.VALUE) return true;
        return false;
    }

    /** This repository's trainer off CUDA: deterministic run to run, no second run needed. */
    public static boolean knownBitwise(TrainedSide b, SideResult baseline) {
        return b.ownTrainer() && !"cuda".equals(baseline.info().meta().get("device"));
    }

    private static String multiples(Judgement j) {
        List<String> parts = new ArrayList<>();
        for (MetricResult m : j.result().metrics()) {
            parts.add(m.metric() + " " + (m.noiseMultiple() == null ? "0" : Numbers.multiple(m.noiseMultiple())) + "\u00d7");
        }
        return String.join(", ", parts);
    }

    private static Judgement note(Judgement j, String text) {
        return new Judgement(j.result(), j.diffs(), j.line().followedBy(text));
    }
}
