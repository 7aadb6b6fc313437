package dev.losscompare.domain.judge;

/**
 * Where two series first part: a {@code VALUE} difference (including NaN against a number) is
 * a fact about the steps both sides ran; a {@code STEP_SET} difference (a step only one side
 * has) only means something when both runs finished.
 */
public record Divergence(Kind kind, int step, Double baseline, Double test, String message) {
    public enum Kind { VALUE, STEP_SET }
}
