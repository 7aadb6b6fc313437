package dev.losscompare.core.result;

/**
 * The resume check of one side of a case: the side trained steps 1..N continuously, and also
 * resumed from its step-K checkpoint (or, {@code across}, from the baseline's) for K+1..N; the
 * resumed steps must equal the continuous ones bitwise.
 *
 * @param side "baseline" or "test"
 * @param across whether the side resumed from the baseline's checkpoint rather than its own
 * @param firstDivergentStep the first step whose values differ (null: none)
 * @param state which training state differs, when it could be told (null: not diagnosed)
 * @param error why the check could not decide (an ERROR), else null
 * @param noise the measured noise the resumed steps were judged against ("within noise (margin …, envelope …)"); null: bitwise
 */
public record ResumeResult(String side, int resumeAt, boolean across, int steps, Verdict verdict, Integer firstDivergentStep,
                           String what, String state, String error,
                           @com.fasterxml.jackson.annotation.JsonInclude(com.fasterxml.jackson.annotation.JsonInclude.Include.NON_NULL)
                           String noise) {
    /** A check judged bitwise. */
    public ResumeResult(String side, int resumeAt, boolean across, int steps, Verdict verdict, Integer firstDivergentStep,
                        String what, String state, String error) {
        this(side, resumeAt, across, steps, verdict, firstDivergentStep, what, state, error, null);
    }

    /** The verdict line: "resume at K: identical" or "resume at K: differs from step K+1", with the side and the state. */
    public String line() {
        String head = "resume at " + resumeAt + (across ? " (test from the baseline's checkpoint)" : " (" + side + ")") + ": ";
        return switch (verdict) {
            case PASS -> noise != null
                    ? head + "within noise (" + resumedSteps() + " within the margin of the continuous run's) [" + noise + "]"
                    : head + "identical (" + resumedSteps() + " bitwise equal to the continuous run)";
            case FAIL -> head + "differs from step " + firstDivergentStep + " (" + what + ")" + (state == null ? "" : "; " + state)
                    + (noise == null ? "" : " [" + noise + "]");
            case ERROR -> head + "could not check: " + error;
        };
    }

    private String resumedSteps() {
        return resumeAt + 1 == steps ? "step " + steps : "steps " + (resumeAt + 1) + "-" + steps;
    }

    /**
     * This result where the training state after {@code step} was found to differ ({@code state}
     * says how): a FAIL from that step at the latest. A step's loss and grad_norm are computed
     * before its update, so a state that differs after step S shows in the series from S+1 on.
     */
    public ResumeResult withStateDifferingAfter(int step, String stateText) {
        if (verdict == Verdict.FAIL && firstDivergentStep != null && firstDivergentStep <= step) return withState(stateText);
        String series = verdict == Verdict.FAIL ? "; the series part from step " + firstDivergentStep + ": " + what
                : "; loss and grad_norm agree on every resumed step";
        return new ResumeResult(side, resumeAt, across, steps, Verdict.FAIL, step, "in its update: the state after step " + step
                + " differs" + series, stateText, null, noise);
    }

    /** This result with the diagnosed state. */
    public ResumeResult withState(String text) {
        return new ResumeResult(side, resumeAt, across, steps, verdict, firstDivergentStep, what, text, error, noise);
    }
}
