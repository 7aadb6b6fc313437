package dev.losscompare.core.judge;

import java.util.Locale;

/** The two sides of a comparison. Every file, log and message names a side by {@link #word()}. */
public enum Role {
    BASELINE, TEST;

    /** "baseline" or "test": the side's name in file names (baseline.jsonl), run records and messages. */
    public String word() {
        return name().toLowerCase(Locale.ROOT);
    }
}
