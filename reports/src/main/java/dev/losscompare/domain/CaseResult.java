package dev.losscompare.domain;

import java.util.List;

/**
 * One model case of a comparison (e.g. "llama3_debugmodel"): both runs and the per-metric diffs.
 * {@code inputsDivergeAtStep} is the first step whose data_fingerprint differs (a data-pipeline
 * change, not a model change), or null. {@code error} explains an ERROR verdict. {@code note} is
 * context that does not change the verdict, e.g. that the environment differs from a golden's.
 */
public record CaseResult(
        String name,
        String model,
        String flavor,
        String config,
        Verdict verdict,
        String error,
        Integer inputsDivergeAtStep,
        RunInfo baseline,
        RunInfo test,
        List<MetricResult> metrics,
        String note) {
    public CaseResult {
        metrics = metrics == null ? List.of() : List.copyOf(metrics);
    }

    /** A case with nothing to note. */
    public CaseResult(String name, String model, String flavor, String config, Verdict verdict, String error,
                      Integer inputsDivergeAtStep, RunInfo baseline, RunInfo test, List<MetricResult> metrics) {
        this(name, model, flavor, config, verdict, error, inputsDivergeAtStep, baseline, test, metrics, null);
    }
}
