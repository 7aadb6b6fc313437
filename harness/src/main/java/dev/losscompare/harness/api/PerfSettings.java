package dev.losscompare.harness.api;

import dev.losscompare.core.text.SettingWords;
import dev.losscompare.core.text.Setting;
import dev.losscompare.core.perf.PerfThresholds;
import dev.losscompare.harness.UsageException;
import dev.losscompare.harness.perf.PerfRequest;
import dev.losscompare.harness.suite.PerfTable;

/**
 * --perf, --perf-rounds, --max-slowdown and --max-memory-growth, checked once for every verb that
 * takes them; the command line's values win over a suite's {@code [perf]} table.
 */
final class PerfSettings {
    private final SettingWords words;
    private boolean perf;
    private Integer rounds;
    private Double maxSlowdown;
    private Double maxMemoryGrowth;

    PerfSettings(SettingWords words) {
        this.words = words;
    }

    void perf(boolean on) {
        this.perf = on;
    }

    void rounds(int n) {
        if (n < 2) {
            throw new UsageException(Setting.PERF_ROUNDS, words.withValue(Setting.PERF_ROUNDS, Integer.toString(n))
                    + ": at least 2 rounds per side are needed to measure the noise");
        }
        this.rounds = n;
    }

    void maxSlowdown(String percent) {
        this.maxSlowdown = percent(Setting.MAX_SLOWDOWN, percent);
    }

    void maxMemoryGrowth(String percent) {
        this.maxMemoryGrowth = percent(Setting.MAX_MEMORY_GROWTH, percent);
    }

    /** The thresholds given here, else the suite's ({@code table} null: none). */
    PerfThresholds thresholds(PerfTable table) {
        PerfThresholds s = table == null ? PerfThresholds.NONE : table.thresholds();
        return new PerfThresholds(maxSlowdown != null ? maxSlowdown : s.maxSlowdown(),
                maxMemoryGrowth != null ? maxMemoryGrowth : s.maxMemoryGrowth());
    }

    /** Rounds the harness times itself; null when no verdict is asked for (no option here or key in the suite). */
    PerfRequest timed(PerfTable table) {
        PerfThresholds t = thresholds(table);
        Integer n = rounds != null ? rounds : table == null ? null : table.rounds();
        if (!perf && n == null && !t.any()) return null;
        return new PerfRequest(t, n == null ? PerfRequest.DEFAULT_ROUNDS : n);
    }

    /** The runs' own steps (diff): always a verdict where the runs carry speed or memory, failing only beyond a threshold. */
    PerfRequest ofSeries() {
        return PerfRequest.ofSeries(thresholds(null));
    }

    private Double percent(Setting setting, String text) {
        try {
            return PerfThresholds.parsePercent(words.writing(setting), text);
        } catch (IllegalArgumentException e) {
            throw new UsageException(setting, e.getMessage());
        }
    }
}
