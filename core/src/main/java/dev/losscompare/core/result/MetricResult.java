package dev.losscompare.core.result;

import com.fasterxml.jackson.annotation.JsonInclude;
import dev.losscompare.core.judge.Undetectable;

/**
 * The diff of one metric series between baseline and test.
 * Steps are matched by step number; {@code firstDivergentStep} is null when none diverged.
 * {@code message} is the human reason (e.g. "step 7 missing in test", "NaN at step 3").
 * In noise mode {@code noiseMultiple} is the largest |test − baseline| / band over the compared
 * steps and {@code noiseMultipleAtDivergence} the multiple at the first step outside; both are
 * absent from comparison.json in the other modes (so their files stay as they were).
 * {@code undetectable}: for a metric that PASSed within noise and moved, the smallest change this
 * comparison could have seen at its last step and whether it was close to the margin (absent otherwise).
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
        @JsonInclude(JsonInclude.Include.NON_NULL) Double noiseMultipleAtDivergence,
        @JsonInclude(JsonInclude.Include.NON_NULL) Undetectable undetectable) {
    /** A metric compared in a mode without a band. */
    public MetricResult(String metric, Verdict verdict, Integer firstDivergentStep, Double baselineAtDivergence,
                        Double testAtDivergence, double maxAbsDiff, double maxRelDiff, double meanAbsDiff, int comparedSteps,
                        String message) {
        this(metric, verdict, firstDivergentStep, baselineAtDivergence, testAtDivergence, maxAbsDiff, maxRelDiff, meanAbsDiff,
                comparedSteps, message, null, null, null);
    }
}
