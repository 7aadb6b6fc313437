package dev.losscompare.core.result;

import com.fasterxml.jackson.annotation.JsonInclude;

/**
 * The diff of one metric series between baseline and test.
 * Steps are matched by step number; {@code firstDivergentStep} is null when none diverged.
 * {@code message} is the human reason (e.g. "step 7 missing in test", "NaN at step 3").
 * In noise mode {@code noiseMultiple} is the largest |test − baseline| / band over the compared
 * steps and {@code noiseMultipleAtDivergence} the multiple at the first step outside; both are
 * absent from comparison.json in the other modes (so their files stay as they were).
 */
public record MetricResult(
        String metric,
        Verdict verdict,
        Integer firstDivergentStep,
        Double baselineAtDivergence,
        Double testAtDivergence,
        double maxAbsDiff,
        double maxRelDiff,
        double meanAbsDiff,
        int comparedSteps,
        String message,
        @JsonInclude(JsonInclude.Include.NON_NULL) Double noiseMultiple,
        @JsonInclude(JsonInclude.Include.NON_NULL) Double noiseMultipleAtDivergence) {
    /** A metric compared in a mode without a band. */
    public MetricResult(String metric, Verdict verdict, Integer firstDivergentStep, Double baselineAtDivergence,
                        Double testAtDivergence, double maxAbsDiff, double maxRelDiff, double meanAbsDiff, int comparedSteps,
                        String message) {
        this(metric, verdict, firstDivergentStep, baselineAtDivergence, testAtDivergence, maxAbsDiff, maxRelDiff, meanAbsDiff,
                comparedSteps, message, null, null);
    }
}
