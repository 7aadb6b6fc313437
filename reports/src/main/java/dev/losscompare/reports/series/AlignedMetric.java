package dev.losscompare.reports.series;

import dev.losscompare.core.judge.ComparisonMode;
import dev.losscompare.core.series.StepRecord;
import java.util.Map;
import java.util.TreeMap;

/**
 * One metric of both sides, ready to plot: each side's (step, value) arrays and the per-step
 * difference test − baseline on the steps both have. For pictures only; verdicts come from the
 * comparison, never from here.
 */
public record AlignedMetric(
        String metric,
        double[] baselineSteps, double[] baselineValues,
        double[] testSteps, double[] testValues,
        double[] diffSteps, double[] diffValues) {

    public static AlignedMetric of(String metric, Map<Integer, StepRecord> baseline, Map<Integer, StepRecord> test) {
        TreeMap<Integer, Double> b = values(metric, baseline);
        TreeMap<Integer, Double> t = values(metric, test);
        int common = 0;
        for (Integer s : b.keySet()) if (t.containsKey(s)) common++;
        double[] ds = new double[common], dv = new double[common];
        int i = 0;
        for (var e : b.entrySet()) {
            Double tv = t.get(e.getKey());
            if (tv == null) continue;
            ds[i] = e.getKey();
            dv[i++] = tv - e.getValue();
        }
        return new AlignedMetric(metric, keys(b), vals(b), keys(t), vals(t), ds, dv);
    }

    public boolean baselineHasValues() {
        return baselineSteps.length > 0;
    }

    public boolean testHasValues() {
        return testSteps.length > 0;
    }

    /** True when every compared step's difference is exactly zero (nothing to put on a log scale). */
    public boolean allDiffsZero() {
        for (double d : diffValues) if (d != 0 || Double.isNaN(d)) return false;
        return true;
    }

    /** Whether one step's pair counts as divergent under the comparison's mode (for highlighting). */
    public static boolean differs(String metric, int step, Double b, Double t, ComparisonMode mode) {
        return b == null || t == null || !(mode == null ? ComparisonMode.bitwise() : mode).matches(metric, step, b, t);
    }

    private static TreeMap<Integer, Double> values(String metric, Map<Integer, StepRecord> side) {
        TreeMap<Integer, Double> m = new TreeMap<>();
        for (var e : side.entrySet()) {
            Double v = e.getValue().value(metric);
            if (v != null) m.put(e.getKey(), v);
        }
        return m;
    }

    private static double[] keys(TreeMap<Integer, Double> m) {
        return m.keySet().stream().mapToDouble(Integer::doubleValue).toArray();
    }

    private static double[] vals(TreeMap<Integer, Double> m) {
        return m.values().stream().mapToDouble(Double::doubleValue).toArray();
    }
}
