package dev.losscompare.core.sources;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * How to read a run: its format (null: detect from the file), the rank whose lines a multi-rank
 * text log contributes (null: rank 0 when lines carry rank prefixes), and metric names mapped to
 * the source's own names (TensorBoard tags, Megatron metric keys), e.g. loss=train/loss.
 */
public record SourceOptions(SeriesFormat format, Integer rank, Map<String, String> names) {
    public SourceOptions {
        names = names == null ? Map.of() : Map.copyOf(names);
        if (rank != null && rank < 0) throw new IllegalArgumentException("rank must be >= 0, got " + rank);
    }

    public static SourceOptions detect() {
        return new SourceOptions(null, null, Map.of());
    }

    /** Parses "metric=NAME" entries (the NAME may contain '=' or '/'); a bad entry is an IllegalArgumentException. */
    public static Map<String, String> parseNames(List<String> entries) {
        Map<String, String> names = new LinkedHashMap<>();
        for (String entry : entries) {
            int eq = entry.indexOf('=');
            if (eq <= 0 || eq == entry.length() - 1) {
                throw new IllegalArgumentException("bad metric mapping '" + entry + "' (expected METRIC=NAME, e.g. loss=train/loss)");
            }
            names.put(entry.substring(0, eq).strip(), entry.substring(eq + 1).strip());
        }
        return names;
    }

    /** The source's name for {@code metric}: the user's mapping, else the format's default. */
    String nameOf(String metric, String defaultName) {
        return names.getOrDefault(metric, defaultName);
    }
}
