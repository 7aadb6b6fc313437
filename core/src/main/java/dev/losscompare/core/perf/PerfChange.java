package dev.losscompare.core.perf;

/**
 * One quantity of a case, baseline against test: the sides' estimates, the relative change
 * (test / baseline - 1), the noise it is measured against (relative), the interval of the change
 * (null when not known), the threshold that applied (a fraction, null: none) and the outcome.
 */
public record PerfChange(PerfQuantity quantity, Double baseline, Double test, Double change, double noise,
                         Double intervalLow, Double intervalHigh, Double threshold, PerfOutcome outcome) {}
