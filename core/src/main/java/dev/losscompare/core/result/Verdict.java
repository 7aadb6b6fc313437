package dev.losscompare.core.result;

/** Outcome of one metric or one case. ERROR means "could not decide" and is never a pass. */
public enum Verdict {
    PASS, FAIL, ERROR;

    /** The worse of two verdicts: ERROR beats FAIL beats PASS. */
    public Verdict worst(Verdict other) {
        return other.ordinal() > ordinal() ? other : this;
    }
}
