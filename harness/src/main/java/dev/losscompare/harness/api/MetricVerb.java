package dev.losscompare.harness.api;

import java.util.List;

/** A command that compares chosen metrics (compare, diff, bisect, gate): the command line's --metrics. */
public interface MetricVerb<SELF> extends SettingsVerb {
    /** --metrics: the metrics to compare, any name the series have (default loss, grad_norm). */
    default SELF setMetrics(List<String> metrics) {
        settings().judge.metrics(metrics);
        return VerbSettings.self(this);
    }
}
