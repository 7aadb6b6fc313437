package dev.losscompare.core.judge;

import dev.losscompare.core.judge.ComparisonMode;
import dev.losscompare.core.series.RunSeries;
import dev.losscompare.core.series.StepRecord;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;

/** Step-by-step diff of one metric between two series, matched by step number. */
public final class SeriesDiff {
    private SeriesDiff() {}

    public static MetricDiff diff(RunSeries baseline, RunSeries test, String metric, ComparisonMode mode) {
        Map<Integer, StepRecord> b = byStep(baseline);
        Map<Integer, StepRecord> t = byStep(test);
        String absent = absence(metric, baseline, "baseline");
        if (absent == null) absent = absence(metric, test, "test");
        TreeSet<Integer> steps = new TreeSet<>(b.keySet());
        steps.addAll(t.keySet());

        Divergence first = null;
        String problem = absent;
        double maxAbs = 0, maxRel = 0, sumAbs = 0, maxMultiple = 0;
        Double multipleAtDivergence = null;
        Integer uncovered = null;
        int compared = 0;
        List<MetricDiff.Row> rows = new ArrayList<>();
        for (int step : steps) {
            StepRecord bs = b.get(step);
            StepRecord ts = t.get(step);
            if (bs == null || ts == null) {
                if (first == null) {
                    first = new Divergence(bs == null ? DivergenceReason.STEP_ONLY_IN_TEST : DivergenceReason.STEP_MISSING_IN_TEST,
                            step, null, null, metric);
                }
                continue;
            }
            Double bv = bs.value(metric);
            Double tv = ts.value(metric);
            rows.add(new MetricDiff.Row(step, bv, tv));
            if (absent != null) continue;
            if (bv == null || tv == null) {
                if (first == null) first = new Divergence(DivergenceReason.METRIC_MISSING_AT_STEP, step, bv, tv, metric);
                continue;
            }
            boolean bFinite = Double.isFinite(bv);
            boolean tFinite = Double.isFinite(tv);
            if (!bFinite || !tFinite) {
                if (Double.compare(bv, tv) == 0) {
                    if (problem == null) problem = metric + " is " + bv + " at step " + step + " in both runs";
                } else if (first == null) {
                    first = new Divergence(DivergenceReason.NOT_FINITE, step, bv, tv, metric);
                }
                continue;
            }
            double abs = Math.abs(tv - bv);
            if (mode.isNoise()) {
                Double band = mode.noise().band(metric, step);
                if (band == null) {
                    if (uncovered == null) uncovered = step;
                    continue;
                }
                double multiple = NoiseBand.multiple(abs, band);
                maxMultiple = Math.max(maxMultiple, multiple);
                if (first == null && !mode.matches(metric, step, bv, tv)) multipleAtDivergence = multiple;
            }
            compared++;
            double rel = abs == 0 ? 0 : (bv == 0 ? Double.POSITIVE_INFINITY : abs / Math.abs(bv));
            maxAbs = Math.max(maxAbs, abs);
            maxRel = Math.max(maxRel, rel);
            sumAbs += abs;
            if (first == null && !mode.matches(metric, step, bv, tv)) first = new Divergence(DivergenceReason.VALUE, step, bv, tv, metric);
        }
        if (problem == null && uncovered != null) {
            int covered = mode.noise().coveredSteps(metric);
            problem = "no noise data after step " + covered + " for " + metric + " (envelope " + mode.noise().envelope()
                    + " covers steps 1.." + covered + "; calibrate with at least " + steps.last() + " steps)";
        }
        if (problem == null && compared == 0 && first == null) problem = "no steps of " + metric + " to compare";
        return new MetricDiff(metric, first, problem, maxAbs, maxRel, compared == 0 ? 0 : sumAbs / compared, compared, rows,
                mode.isNoise() ? maxMultiple : null, multipleAtDivergence);
    }

    /** The first step whose data_fingerprint differs on a step both sides ran, or null. */
    public static Integer inputsDivergeAt(RunSeries baseline, RunSeries test) {
        Map<Integer, StepRecord> t = byStep(test);
        for (StepRecord bs : byStep(baseline).values()) {
            StepRecord ts = t.get(bs.step());
            if (ts == null || bs.dataFingerprint() == null || ts.dataFingerprint() == null) continue;
            if (!bs.dataFingerprint().equals(ts.dataFingerprint())) return bs.step();
        }
        return null;
    }

    private static String absence(String metric, RunSeries series, String side) {
        if (series.steps().isEmpty()) return null;
        for (StepRecord s : series.steps()) if (s.value(metric) != null) return null;
        TreeSet<String> names = new TreeSet<>();
        series.steps().forEach(s -> names.addAll(s.values().keySet()));
        return "no metric '" + metric + "' in the " + side + " series (it has: " + String.join(", ", names) + ")";
    }

    private static Map<Integer, StepRecord> byStep(RunSeries series) {
        Map<Integer, StepRecord> m = new TreeMap<>();
        for (StepRecord s : series.steps()) m.put(s.step(), s);
        return m;
    }
}
