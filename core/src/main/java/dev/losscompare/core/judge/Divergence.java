package dev.losscompare.core.judge;

/** Where two series first part, and why (see {@link DivergenceReason}). */
public record Divergence(DivergenceReason reason, int step, Double baseline, Double test, String metric) {
    /** "loss differs from step 3", "loss differs from step 3 (test is NaN)", "step 7 missing in test". */
    public String message() {
        return switch (reason) {
            case VALUE -> metric + " differs from step " + step;
            case NOT_FINITE -> metric + " differs from step " + step
                    + " (" + (test != null && !Double.isFinite(test) ? "test is " + test : "baseline is " + baseline) + ")";
            case STEP_ONLY_IN_TEST -> "step " + step + " only in test";
            case STEP_MISSING_IN_TEST -> "step " + step + " missing in test";
            case METRIC_MISSING_AT_STEP -> "no " + metric + " at step " + step + " in " + (baseline == null ? "baseline" : "test");
        };
    }
}
