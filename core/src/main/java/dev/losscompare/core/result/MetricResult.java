package dev.losscompare.core.result;

/**
 * The diff of one metric series between baseline and test.
 * Steps are matched by step number; {@code firstDivergentStep} is null when none diverged.
 * {@code message} is the human reason (e.g. "step 7 missing in test", "NaN at step 3").
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
        String message) {}
