package dev.losscompare.core.judge;

/**
 * Why two series part at a step. {@link #VALUE} and {@link #NOT_FINITE} are facts about a step
 * both sides ran; the others (a step or value only one side has) only mean something when both
 * runs finished.
 */
public enum DivergenceReason {
    /** Both values are finite and do not match under the mode. */
    VALUE,
    /** One side is NaN or infinite and the other is not the same. */
    NOT_FINITE,
    /** The step exists only in the test series. */
    STEP_ONLY_IN_TEST,
    /** The step exists only in the baseline series. */
    STEP_MISSING_IN_TEST,
    /** Both sides ran the step but one lacks the metric there. */
    METRIC_MISSING_AT_STEP;

    public boolean isValueDifference() {
        return this == VALUE || this == NOT_FINITE;
    }
}
