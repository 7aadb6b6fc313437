package dev.losscompare.core.sources;

import dev.losscompare.core.text.Setting;
import dev.losscompare.core.text.SettingWords;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * How to read a run: its format (null: detect from the file), the rank whose lines a multi-rank
 * text log contributes (null: rank 0 when lines carry rank prefixes), and metric names mapped to
 * the source's own names (TensorBoard tags, Megatron metric keys), e.g. loss=train/loss; and how
 * the caller's user writes the {@link Setting#RANK} and {@link Setting#FORMAT} choices a message
 * may point to (the command line's --rank=N, the API's setRank(N)).
 */
public record SourceOptions(SeriesFormat format, Integer rank, Map<String, String> names, SettingWords words) {
    public SourceOptions {
        names = names == null ? Map.of() : Map.copyOf(names);
        words = words == null ? SettingWords.UNNAMED : words;
        if (rank != null && rank < 0) throw new IllegalArgumentException("rank must be >= 0, got " + rank);
    }

    /** Options whose messages name the settings by their own names ({@link SettingWords#UNNAMED}). */
    public SourceOptions(SeriesFormat format, Integer rank, Map<String, String> names) {
        this(format, rank, names, null);
    }

    public static SourceOptions detect() {
        return new SourceOptions(null, null, Map.of());
    }

    /** Detects the format; messages name the settings in {@code words}. */
    public static SourceOptions detect(SettingWords words) {
        return new SourceOptions(null, null, Map.of(), words);
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
