package dev.losscompare.harness.cli;

import dev.losscompare.core.judge.ComparisonMode;
import dev.losscompare.harness.UsageException;
import dev.losscompare.harness.pipeline.Judging;
import java.util.ArrayList;
import java.util.List;
import picocli.CommandLine.Option;

/** How the judge compares: bitwise (the default) or within atol/rtol, and which metrics. */
public final class JudgeOptions {
    @Option(names = "--assert-equal", description = "Require bitwise-identical values (the default unless --atol/--rtol).")
    boolean assertEqual;

    @Option(names = "--atol", paramLabel = "X", description = "Absolute tolerance: pass when |test-baseline| <= atol + rtol*|baseline|.")
    Double atol;

    @Option(names = "--rtol", paramLabel = "X", description = "Relative tolerance (see --atol).")
    Double rtol;

    @Option(names = "--metrics", paramLabel = "LIST", description = "Metrics to compare (default: loss,grad_norm).")
    String metrics;

    /** Whether a mode other than the default was asked for. */
    boolean tolerance() {
        return atol != null || rtol != null || assertEqual;
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
        if (metrics == null) return Judging.DEFAULT_METRICS;
        List<String> list = new ArrayList<>();
        for (String m : metrics.split(",")) {
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
