package dev.losscompare.core.perf;

import dev.losscompare.core.text.Setting;
import dev.losscompare.core.text.SettingWords;

/**
 * How a performance line names the settings a user can change: the caller's words (the command
 * line's flags, the API's setters), never the judge's own, so core speaks no command line.
 *
 * @param maxSlowdown     the speed threshold, e.g. "--max-slowdown"
 * @param maxMemoryGrowth the memory threshold, e.g. "--max-memory-growth"
 * @param rounds          more timed rounds, e.g. "--perf-rounds"
 */
public record PerfWords(String maxSlowdown, String maxMemoryGrowth, String rounds) {
    /** The performance settings as {@code words} name them. */
    public static PerfWords of(SettingWords words) {
        return new PerfWords(words.name(Setting.MAX_SLOWDOWN), words.name(Setting.MAX_MEMORY_GROWTH), words.name(Setting.PERF_ROUNDS));
    }

    /** The thresholds as read, the way the user can check them: "--max-slowdown=10%, --max-memory-growth=0.5%". */
    public String thresholdsAsRead(PerfThresholds t) {
        java.util.List<String> parts = new java.util.ArrayList<>();
        if (t.maxSlowdown() != null) parts.add(maxSlowdown + "=" + PerfText.threshold(t.maxSlowdown()));
        if (t.maxMemoryGrowth() != null) parts.add(maxMemoryGrowth + "=" + PerfText.threshold(t.maxMemoryGrowth()));
        return String.join(", ", parts);
    }
}
