package dev.losscompare.core.perf;

import dev.losscompare.core.result.Verdict;

/**
 * The performance verdict of a case, told apart from the numeric one by its label everywhere.
 * NOT_COMPARABLE: the baseline's figures come from another environment (a golden recorded on
 * another machine), so nothing was compared.
 */
public enum PerfStatus {
    PASS, WARNING, FAIL, ERROR, NOT_COMPARABLE;

    /** A warning (a change with no threshold to judge it) and figures from another environment fail nothing. */
    public Verdict verdict() {
        return switch (this) {
            case PASS, WARNING, NOT_COMPARABLE -> Verdict.PASS;
            case FAIL -> Verdict.FAIL;
            case ERROR -> Verdict.ERROR;
        };
    }

    /** "performance FAIL", "performance warning", ... */
    public String label() {
        return "performance " + switch (this) {
            case WARNING -> "warning";
            case NOT_COMPARABLE -> "not comparable";
            default -> name();
        };
    }
}
