package dev.losscompare.core.judge;

import java.util.List;

/**
 * The raw diff of one metric. {@code rows} is the step table (common steps only), {@code problem}
 * names a reason the metric cannot pass on its own (absent metric, NaN on both sides, no steps,
 * steps the noise envelope does not cover). In noise mode {@code noiseMultiple} is the largest
 * |test − baseline| / band over the compared steps and {@code noiseMultipleAtDivergence} the
 * multiple at the first step outside (both null in other modes).
 */
public record MetricDiff(String metric, Divergence divergence, String problem,
                         double maxAbsDiff, double maxRelDiff, double meanAbsDiff, int comparedSteps,
                         List<Row> rows, Double noiseMultiple, Double noiseMultipleAtDivergence) {
    public record Row(int step, Double baseline, Double test) {
        public Double difference() {
            return baseline == null || test == null ? null : test - baseline;
        }
    }
}
