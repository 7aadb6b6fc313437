package dev.losscompare.harness.api;

import dev.losscompare.core.judge.ComparisonMode;
import dev.losscompare.core.series.DefaultMetrics;
import dev.losscompare.harness.UsageException;
import dev.losscompare.harness.engine.Judging;
import java.util.ArrayList;
import java.util.List;

/** How the judge compares (compare, diff, bisect): bitwise (the default) or within atol/rtol, and which metrics. */
final class JudgeSettings {
    private boolean assertEqual;
    private Double atol;
    private Double rtol;
    private List<String> metrics;

    void assertEqual() {
        this.assertEqual = true;
    }

    void atol(double atol) {
        this.atol = atol;
    }

    void rtol(double rtol) {
        this.rtol = rtol;
    }

    void metrics(List<String> metrics) {
        this.metrics = List.copyOf(metrics);
    }

    /** The judge options set, by their command-line names. */
    List<String> given() {
        List<String> out = new ArrayList<>();
        if (assertEqual) out.add("--assert-equal");
        if (atol != null) out.add("--atol");
        if (rtol != null) out.add("--rtol");
        if (metrics != null) out.add("--metrics");
        return out;
    }

    Judging judging() {
        return new Judging(mode(), metricList(), metrics != null);
    }

    private ComparisonMode mode() {
        if (atol == null && rtol == null) return ComparisonMode.bitwise();
        if (assertEqual) throw new UsageException("--assert-equal (bitwise) cannot be combined with --atol/--rtol");
        double a = atol == null ? 0 : atol;
        double r = rtol == null ? 0 : rtol;
        if (!(a >= 0) || !(r >= 0) || Double.isInfinite(a) || Double.isInfinite(r)) {
            throw new UsageException("--atol and --rtol must be finite and >= 0");
        }
        return ComparisonMode.tolerance(a, r);
    }

    private List<String> metricList() {
        if (metrics == null) return DefaultMetrics.ALL;
        List<String> list = new ArrayList<>();
        for (String m : metrics) {
            String name = m.strip();
            if (!name.matches("[A-Za-z_][A-Za-z0-9_]*")) {
                throw new UsageException("--metrics: '" + m + "' is not a metric name (e.g. --metrics=loss,grad_norm)");
            }
            if (!list.contains(name)) list.add(name);
        }
        if (list.isEmpty()) throw new UsageException("--metrics: name at least one metric");
        return list;
    }
}
