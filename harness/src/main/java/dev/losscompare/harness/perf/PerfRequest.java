package dev.losscompare.harness.perf;

import dev.losscompare.core.perf.PerfThresholds;

/**
 * A performance verdict asked of a comparison: the thresholds, and how many timed rounds per side
 * the harness runs itself ({@code rounds} 0: judge the series as they are, as diff does).
 */
public record PerfRequest(PerfThresholds thresholds, int rounds) {
    public static final int DEFAULT_ROUNDS = 3;
    /** Rounds added at a time while the verdict is undecided. */
    public static final int MORE_ROUNDS = 2;

    public PerfRequest {
        if (rounds == 1 || rounds < 0) throw new IllegalArgumentException("rounds must be 0 (the series as they are) or >= 2");
    }

    /** diff, an imported file, a golden: the runs exist; their own steps are all there is to time. */
    public static PerfRequest ofSeries(PerfThresholds thresholds) {
        return new PerfRequest(thresholds, 0);
    }

    /**
     * How many alternated rounds per side at most, when the verdict is still undecided after
     * {@code rounds}: 3 times as many (the interval of the paired rounds narrows as they are added).
     */
    public int maxRounds() {
        return 3 * rounds;
    }

    /**
     * How many times the rounds may be judged: the first {@code rounds}, then once per 2 more while
     * undecided, up to {@link #maxRounds()} (3 rounds: judged at 3, 5, 7 and 9). The paired interval
     * pays for each look (core's PairedRounds), so extra rounds add no false alarms.
     */
    public int looks() {
        return 1 + (maxRounds() - rounds + MORE_ROUNDS - 1) / MORE_ROUNDS;
    }

    public boolean timed() {
        return rounds > 0;
    }
}
