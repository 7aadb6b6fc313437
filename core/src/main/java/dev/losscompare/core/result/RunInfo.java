package dev.losscompare.core.result;

import dev.losscompare.core.series.Meta;

import java.util.List;
import java.util.Map;

/**
 * One trainer run of a case. Paths are relative to the output folder so the folder can be moved.
 * {@code error} is null for a clean run; otherwise one line saying what went wrong.
 */
public record RunInfo(
        String side,
        List<String> options,
        String metricsFile,
        String logFile,
        Double wallSeconds,
        Integer exitCode,
        String error,
        boolean fromCache,
        Map<String, Object> meta) {
    public RunInfo {
        options = options == null ? List.of() : List.copyOf(options);
        meta = Meta.withoutNulls(meta);
    }
}
