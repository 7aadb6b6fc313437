package dev.losscompare.harness.engine;

import dev.losscompare.core.judge.ComparisonMode;
import java.util.List;

/** How the judge compares: the requested mode and the metrics (metricsGiven: named by the user, not the default). */
public record Judging(ComparisonMode mode, List<String> metrics, boolean metricsGiven) {
    public static final List<String> DEFAULT_METRICS = List.of("loss", "grad_norm");

    public Judging {
        metrics = List.copyOf(metrics);
    }
}
