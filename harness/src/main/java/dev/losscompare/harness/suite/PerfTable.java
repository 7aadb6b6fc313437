package dev.losscompare.harness.suite;

import dev.losscompare.core.perf.PerfThresholds;

/**
 * A suite's {@code [perf]} table: thresholds for the performance verdict and the rounds per side
 * (null: not set). The command line's --max-slowdown, --max-memory-growth, --perf-rounds win.
 */
public record PerfTable(PerfThresholds thresholds, Integer rounds) {
    public static final PerfTable NONE = new PerfTable(PerfThresholds.NONE, null);

    /** The table asks for a performance verdict (a threshold or a rounds count). */
    public boolean asks() {
        return thresholds.any() || rounds != null;
    }
}
