package dev.losscompare.core.noise;

import dev.losscompare.core.judge.NoiseBand;
import dev.losscompare.core.judge.StepCount;
import dev.losscompare.core.series.RunSeries;
import dev.losscompare.core.series.StepRecord;
import dev.losscompare.core.text.Setting;
import dev.losscompare.core.text.SettingWords;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

/**
 * Builds a noise envelope from a reference run and K ≥ 2 perturbed runs of the same case:
 * band(metric, step) = max_i |run_i(step) − reference(step)|. Every run must be complete (steps
 * 1..N) and finite: a crashed or diverged run measures nothing, so it is an error, never a wider band.
 */
public final class EnvelopeBuilder {
    /** The fewest perturbed runs a band is measured from: one run's distance is a sample, not a spread. */
    public static final int MIN_RUNS = 2;

    private EnvelopeBuilder() {}

    /**
     * Thrown with one line naming the run and what is wrong with it; where a setting would fix
     * it, {@link #message(SettingWords)} says which in the caller's words.
     */
    public static final class CalibrationException extends IllegalArgumentException {
        private final transient Function<SettingWords, String> advice;

        public CalibrationException(String message) {
            this(message, words -> "");
        }

        CalibrationException(String problem, Function<SettingWords, String> advice) {
            super(problem);
            this.advice = advice;
        }

        /** The problem and what to do, the settings named as the caller's user writes them. */
        public String message(SettingWords words) {
            return super.getMessage() + advice.apply(words);
        }

        @Override
        public String getMessage() {
            return message(SettingWords.UNNAMED);
        }
    }

    /**
     * The bands of the metrics and the floor they got. Raw band: max_i |run_i − reference|. The
     * values a trainer reports are rounded (this repository's trainer computes in float32), so once
     * the runs have parted — from the first step where any run differs from the reference in any
     * metric — a run that lands on the reference's value at a later step still carries the
     * perturbation in its state; there the band is at least one unit in the last place of the
     * reported precision (float32 when every reference value of the metric is a float, else
     * float64). Before that step a band of 0 stays 0: no perturbation moved anything, so the
     * comparison must be bitwise there — unless every run is known to start from another state
     * (its initial weights perturbed): then the runs have parted before step 1, whatever step 1's
     * rounded values show, and the floor holds from step 1.
     */
    public record Bands(Map<String, List<Double>> bands, NoiseEnvelope.Floor floor) {}

    /** Bands of runs whose start is not known to differ (existing runs, plain repeats). */
    public static Bands bands(RunSeries reference, List<RunSeries> runs, List<String> metrics, int steps, List<String> names) {
        return bands(reference, runs, metrics, steps, names, false);
    }

    /**
     * @param names how the message names each run (reference first, then the perturbed runs)
     * @param partedFromTheStart every run starts from another state than the reference (the floor holds from step 1)
     */
    public static Bands bands(RunSeries reference, List<RunSeries> runs, List<String> metrics, int steps, List<String> names,
                              boolean partedFromTheStart) {
        if (runs.size() < MIN_RUNS) {
            throw new CalibrationException("a noise envelope needs at least " + MIN_RUNS + " perturbed runs besides the reference"
                    + " (got " + runs.size() + ")", words -> "; use " + words.withValue(Setting.RUNS, "K") + " with K >= " + MIN_RUNS
                    + ", or give more runs");
        }
        check(reference, steps, metrics, names.get(0));
        for (int i = 0; i < runs.size(); i++) check(runs.get(i), steps, metrics, names.get(i + 1));
        Map<String, List<Double>> raw = new LinkedHashMap<>();
        int parted = partedFromTheStart ? 1 : Integer.MAX_VALUE;
        for (String metric : metrics) {
            List<Double> band = new ArrayList<>();
            for (int s = 0; s < steps; s++) {
                double ref = reference.steps().get(s).value(metric);
                double widest = 0;
                for (RunSeries run : runs) widest = Math.max(widest, Math.abs(run.steps().get(s).value(metric) - ref));
                band.add(widest);
                if (widest > 0) parted = Math.min(parted, s + 1);
            }
            raw.put(metric, band);
        }
        if (parted == Integer.MAX_VALUE) return new Bands(raw, null);
        Map<String, List<Double>> floored = new LinkedHashMap<>();
        Map<String, String> precision = new LinkedHashMap<>();
        for (String metric : metrics) {
            boolean float32 = reference.steps().stream().allMatch(r -> (double) (float) r.value(metric).doubleValue() == r.value(metric));
            precision.put(metric, float32 ? "float32" : "float64");
            List<Double> band = new ArrayList<>(raw.get(metric));
            for (int s = parted - 1; s < steps; s++) {
                double ref = reference.steps().get(s).value(metric);
                double ulp = float32 ? Math.ulp((float) ref) : Math.ulp(ref);
                band.set(s, Math.max(band.get(s), ulp));
            }
            floored.put(metric, band);
        }
        return new Bands(floored, new NoiseEnvelope.Floor(parted, precision));
    }

    /**
     * How far each held-out run (a perturbed run the band never saw) landed: per metric, each run's
     * largest |run − reference| / band over the steps, in run order. A held-out run that moves a
     * step whose band is 0 (no calibration run moved it) is an error: the band then cannot say how
     * wide the noise is there, more calibration runs can.
     *
     * @param names how messages name each held-out run
     */
    public static NoiseEnvelope.HeldOut heldOut(RunSeries reference, List<RunSeries> runs, Map<String, List<Double>> bands,
                                                int steps, List<String> names, List<String> labels) {
        for (int i = 0; i < runs.size(); i++) check(runs.get(i), steps, List.copyOf(bands.keySet()), names.get(i));
        Map<String, List<Double>> multiples = new LinkedHashMap<>();
        bands.forEach((metric, band) -> {
            List<Double> perRun = new ArrayList<>();
            for (int i = 0; i < runs.size(); i++) {
                double widest = 0;
                for (int s = 0; s < steps; s++) {
                    double m = NoiseBand.multiple(Math.abs(runs.get(i).steps().get(s).value(metric) - reference.steps().get(s).value(metric)),
                            band.get(s));
                    if (Double.isInfinite(m)) {
                        throw new CalibrationException("the " + names.get(i) + " series moved " + metric + " at step " + (s + 1)
                                + ", where no calibration run did (band 0)",
                                words -> "; calibrate with more runs (" + words.name(Setting.RUNS) + ")");
                    }
                    widest = Math.max(widest, m);
                }
                perRun.add(widest);
            }
            multiples.put(metric, perRun);
        });
        return new NoiseEnvelope.HeldOut(runs.size(), labels, multiples);
    }

    private static void check(RunSeries run, int steps, List<String> metrics, String name) {
        String problem = StepCount.problem(run, steps, name);
        if (problem != null) throw new CalibrationException(problem + ": a calibration run must be complete");
        for (StepRecord r : run.steps()) {
            for (String m : metrics) {
                Double v = r.value(m);
                if (v == null) throw new CalibrationException("the " + name + " series has no " + m + " at step " + r.step());
                if (!Double.isFinite(v)) {
                    throw new CalibrationException("the " + name + " series has " + m + " = " + v + " at step " + r.step()
                            + ": a diverged run measures no noise");
                }
            }
        }
    }
}
