package dev.losscompare.core.noise;

import dev.losscompare.core.judge.NoiseBand;
import dev.losscompare.core.judge.NoiseMargin;
import dev.losscompare.core.judge.Numbers;
import dev.losscompare.core.result.TrainerRepeats;
import dev.losscompare.core.series.RunSeries;
import dev.losscompare.core.series.StepRecord;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * How far a trainer's own repeats part: the baseline run and a second run of it, same revision,
 * options, seed and environment. Where they differ the trainer does not repeat itself bitwise (GPU
 * atomics, unordered reductions), and a bitwise difference between baseline and test proves
 * nothing by itself. The band per metric and step is the largest |repeat − baseline| up to that
 * step (the noise of such a trainer grows with the steps; one pair may happen to agree at a later
 * step), and, once the runs parted anywhere, at least one unit in the last place of the reported
 * precision at every step from step 1 (as {@link EnvelopeBuilder} floors a band of runs known to
 * start apart): the noise enters with the first step's reductions, and another draw may part a
 * step earlier than this pair did. One repeat is a sample, not a
 * calibration: the margin is {@link NoiseBand#DEFAULT_MARGIN}, and every output says to calibrate.
 */
public record RepeatNoise(Map<String, List<Double>> bands, Map<String, Parting> parted) {
    /** How the band of one repeat names its envelope: there is none. */
    public static final String ENVELOPE = "none (the baseline run twice)";

    /** Where a metric's two baseline runs first differ and by how much at most (step of the largest difference). */
    public record Parting(int fromStep, double largest, int atStep) {}

    public RepeatNoise {
        bands = Map.copyOf(bands);
        parted = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(parted));
    }

    /** @return the noise of the two runs over steps 1..{@code steps} of {@code metrics} (both runs complete there) */
    public static RepeatNoise of(RunSeries baseline, RunSeries repeat, List<String> metrics, int steps) {
        Map<String, Parting> parted = new LinkedHashMap<>();
        Map<String, List<Double>> raw = new LinkedHashMap<>();
        boolean anyParted = false;
        for (String m : metrics) {
            List<Double> band = new ArrayList<>();
            double widest = 0;
            int from = 0, at = 0;
            for (int s = 1; s <= steps; s++) {
                double d = Math.abs(value(repeat, s, m) - value(baseline, s, m));
                if (d > 0 && from == 0) from = s;
                if (d > widest) {
                    widest = d;
                    at = s;
                }
                band.add(widest);
            }
            raw.put(m, band);
            if (from > 0) {
                parted.put(m, new Parting(from, widest, at));
                anyParted = true;
            }
        }
        Map<String, List<Double>> floored = new LinkedHashMap<>();
        for (String m : metrics) {
            List<Double> band = new ArrayList<>(raw.get(m));
            boolean float32 = baseline.steps().stream().allMatch(r -> r.value(m) == null || (double) (float) r.value(m).doubleValue() == r.value(m));
            for (int s = 1; anyParted && s <= steps; s++) {
                double ref = value(baseline, s, m);
                band.set(s - 1, Math.max(band.get(s - 1), float32 ? Math.ulp((float) ref) : Math.ulp(ref)));
            }
            floored.put(m, band);
        }
        return new RepeatNoise(floored, parted);
    }

    /** Whether the two runs were bitwise equal on every metric and step. */
    public boolean bitwise() {
        return parted.isEmpty();
    }

    /** What the two runs say of the trainer, for the case's record (comparison.json's trainer_repeats). */
    public TrainerRepeats repeats() {
        if (bitwise()) return TrainerRepeats.bitwiseBySecondRun();
        List<TrainerRepeats.Parting> parts = new ArrayList<>();
        parted.forEach((m, p) -> parts.add(new TrainerRepeats.Parting(m, p.fromStep(), p.largest(), p.atStep())));
        int from = parted.values().stream().mapToInt(Parting::fromStep).min().orElseThrow();
        return new TrainerRepeats(false, TrainerRepeats.SECOND_RUN, from, parts);
    }

    /** The band as the judge uses it: one repeat of {@code revision}, at the default margin. */
    public NoiseBand toBand(String revision) {
        return new NoiseBand(ENVELOPE, revision, 1, List.of("repeat 1"),
                new NoiseMargin(NoiseBand.DEFAULT_MARGIN, "by default (one repeat of the baseline, not a calibration)"), bands);
    }

    /** "two runs of the baseline parted: grad_norm from step 1 (by up to 3.6e-7, at step 3), loss from step 2 (by up to 4.8e-7, at step 2)". */
    public String describe() {
        return describe("baseline");
    }

    /** As {@link #describe()}, the runs being {@code whose} ("test"). */
    public String describe(String whose) {
        List<String> parts = new ArrayList<>();
        parted.forEach((m, p) -> parts.add(m + " from step " + p.fromStep() + " (by up to " + Numbers.sci(p.largest())
                + ", at step " + p.atStep() + ")"));
        return "two runs of the " + whose + " parted: " + String.join(", ", parts);
    }

    private static double value(RunSeries run, int step, String metric) {
        StepRecord r = run.steps().get(step - 1);
        if (r.step() != step) throw new IllegalArgumentException("not steps 1..N: step " + r.step() + " at index " + (step - 1));
        return r.value(metric);
    }
}
