package dev.losscompare.core.perf;

/** What one quantity's change amounts to. */
public enum PerfOutcome {
    /** Within the noise: no measurable change. */
    NO_CHANGE,
    /** Beyond the noise, and within the threshold or with none given. */
    CHANGED,
    /** Beyond the noise and beyond the threshold: a performance FAIL. */
    EXCEEDS,
    /** Not beyond the noise, but the noise is as large as the threshold: it cannot be checked. */
    UNDECIDED,
    /** One side does not carry the quantity. */
    NOT_COMPARABLE
}
