package dev.losscompare.domain.judge;

import dev.losscompare.domain.ComparisonMode;
import dev.losscompare.domain.RunSeries;
import dev.losscompare.domain.StepRecord;
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
        double maxAbs = 0, maxRel = 0, sumAbs = 0;
        int compared = 0;
        List<MetricDiff.Row> rows = new ArrayList<>();
        for (int step : steps) {
            StepRecord bs = b.get(step);
            StepRecord ts = t.get(step);
            if (bs == null || ts == null) {
                if (first == null) {
                    first = new Divergence(Divergence.Kind.STEP_SET, step, null, null,
                            "step " + step + (bs == null ? " only in test" : " missing in test"));
                }
                continue;
            }
            Double bv = bs.value(metric);
            Double tv = ts.value(metric);
            rows.add(new MetricDiff.Row(step, bv, tv));
            if (absent != null) continue;
            if (bv == null || tv == null) {
                if (first == null) {
                    first = new Divergence(Divergence.Kind.STEP_SET, step, bv, tv,
                            "no " + metric + " at step " + step + " in " + (bv == null ? "baseline" : "test"));
                }
                continue;
            }
            boolean bFinite = Double.isFinite(bv);
            boolean tFinite = Double.isFinite(tv);
            if (!bFinite || !tFinite) {
                if (Double.compare(bv, tv) == 0) {
                    if (problem == null) problem = metric + " is " + bv + " at step " + step + " in both runs";
                } else if (first == null) {
                    String side = !tFinite ? "test is " + tv : "baseline is " + bv;
                    first = new Divergence(Divergence.Kind.VALUE, step, bv, tv, metric + " differs from step " + step + " (" + side + ")");
                }
                continue;
            }
            compared++;
            double abs = Math.abs(tv - bv);
            double rel = abs == 0 ? 0 : (bv == 0 ? Double.POSITIVE_INFINITY : abs / Math.abs(bv));
            maxAbs = Math.max(maxAbs, abs);
            maxRel = Math.max(maxRel, rel);
            sumAbs += abs;
            if (first == null && !equal(bv, tv, abs, mode)) {
                first = new Divergence(Divergence.Kind.VALUE, step, bv, tv, metric + " differs from step " + step);
            }
        }
        if (problem == null && compared == 0 && first == null) problem = "no steps of " + metric + " to compare";
        return new MetricDiff(metric, first, problem, maxAbs, maxRel, compared == 0 ? 0 : sumAbs / compared, compared, rows);
    }

    /** Bitwise: the same double bits (so -0.0 and 0.0 differ). Tolerance: |t-b| <= atol + rtol*|b|. */
    static boolean equal(double b, double t, double abs, ComparisonMode mode) {
        if (mode.isBitwise()) return Double.doubleToRawLongBits(b) == Double.doubleToRawLongBits(t);
        return abs <= mode.atol() + mode.rtol() * Math.abs(b);
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
