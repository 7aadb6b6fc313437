package dev.losscompare.harness.cli;

import dev.losscompare.core.judge.ComparisonMode;
import dev.losscompare.harness.UsageException;
import dev.losscompare.harness.pipeline.Judging;
import dev.losscompare.core.sources.MetricNames;
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

    @Option(names = "--metrics", paramLabel = "LIST", description = "Metrics to compare, any name the series have: loss,grad_norm (the default), \"lm loss,num-zeros\", a TensorBoard tag, a log pattern's group.")
    String metrics;

    Judging judging() {
        return new Judging(mode(), metricList(metrics), metrics != null);
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

    /** --metrics as given (any name the series have), or the default loss,grad_norm when null. */
    static List<String> metricList(String metrics) {
        if (metrics == null) return Judging.DEFAULT_METRICS;
        try {
            return MetricNames.parseList(metrics);
        } catch (IllegalArgumentException e) {
            throw new UsageException("--metrics: " + e.getMessage());
        }
    }
}
