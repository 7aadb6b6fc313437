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

    /** A metric's result field by field (the record has thirteen): what is not set is absent (null, 0). */
    public static Builder builder(String metric, Verdict verdict) {
        return new Builder(metric, verdict);
    }

    /** A metric's result by name: the divergence, the differences, the message, the noise figures. */
    public static final class Builder {
        private final String metric;
        private final Verdict verdict;
        private Integer firstDivergentStep;
        private Double baselineAtDivergence;
        private Double testAtDivergence;
        private double maxAbsDiff;
        private double maxRelDiff;
        private double meanAbsDiff;
        private int comparedSteps;
        private String message;
        private Double noiseMultiple;
        private Double noiseMultipleAtDivergence;
        private Undetectable undetectable;

        private Builder(String metric, Verdict verdict) {
            this.metric = metric;
            this.verdict = verdict;
        }

        /** The first step that differs and both values there. */
        public Builder divergence(Integer step, Double baseline, Double test) {
            this.firstDivergentStep = step;
            this.baselineAtDivergence = baseline;
            this.testAtDivergence = test;
            return this;
        }

        /** The differences over the steps compared. */
        public Builder differences(double maxAbs, double maxRel, double meanAbs, int steps) {
            this.maxAbsDiff = maxAbs;
            this.maxRelDiff = maxRel;
            this.meanAbsDiff = meanAbs;
            this.comparedSteps = steps;
            return this;
        }

        public Builder message(String text) {
            this.message = text;
            return this;
        }

        /** In noise mode: the widest multiple of the band, and the multiple at the first step outside. */
        public Builder noise(Double multiple, Double atDivergence) {
            this.noiseMultiple = multiple;
            this.noiseMultipleAtDivergence = atDivergence;
            return this;
        }

        public Builder undetectable(Undetectable missed) {
            this.undetectable = missed;
            return this;
        }

        public MetricResult build() {
            return new MetricResult(metric, verdict, firstDivergentStep, baselineAtDivergence, testAtDivergence, maxAbsDiff, maxRelDiff,
                    meanAbsDiff, comparedSteps, message, noiseMultiple, noiseMultipleAtDivergence, undetectable);
        }
    }
}
