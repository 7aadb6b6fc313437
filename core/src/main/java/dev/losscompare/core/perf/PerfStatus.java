package dev.losscompare.core.perf;

import dev.losscompare.core.result.Verdict;

/** The performance verdict of a case, told apart from the numeric one by its label everywhere. */
public enum PerfStatus {
    PASS, WARNING, FAIL, ERROR;

    /** A warning (a change with no threshold to judge it) fails nothing. */
    public Verdict verdict() {
        return switch (this) {
            case PASS, WARNING -> Verdict.PASS;
            case FAIL -> Verdict.FAIL;
            case ERROR -> Verdict.ERROR;
        };
    }

    /** "performance FAIL", "performance warning", ... */
    public String label() {
        return "performance " + (this == WARNING ? "warning" : name());
    }
}
