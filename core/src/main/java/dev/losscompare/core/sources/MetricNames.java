package dev.losscompare.core.sources;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Which of a source's names (TensorBoard tags, Megatron metric keys) become which metric.
 * The format's defaults apply unless the user maps a metric; loss and every name the user gave
 * must exist, a default for another metric is read only when present.
 */
public record MetricNames(List<Entry> entries) {
    record Entry(String metric, String name, boolean required) {}

    /**
     * A user's list of metrics ("loss,grad_norm", "lm loss,num-zeros", "loss_metrics/global_avg_loss"):
     * comma-separated names, each stripped of spaces and of one pair of quotes around it; any other
     * character is part of the name, which the source must have. Empty names are an
     * IllegalArgumentException; a name given twice counts once.
     */
    public static List<String> parseList(String text) {
        List<String> list = new ArrayList<>();
        for (String part : text.split(",", -1)) {
            String name = part.strip();
            if (name.length() >= 2 && (name.startsWith("\"") && name.endsWith("\"") || name.startsWith("'") && name.endsWith("'"))) {
                name = name.substring(1, name.length() - 1).strip();
            }
            if (name.isEmpty()) {
                throw new IllegalArgumentException("'" + text + "' has an empty metric name (e.g. loss,grad_norm or \"lm loss,num-zeros\")");
            }
            if (!list.contains(name)) list.add(name);
        }
        return List.copyOf(list);
    }

    static MetricNames resolve(Map<String, String> defaults, SourceOptions options) {
        Map<String, String> merged = new LinkedHashMap<>(defaults);
        merged.putAll(options.names());
        List<Entry> entries = new ArrayList<>();
        merged.forEach((metric, name) -> entries.add(
                new Entry(metric, name, metric.equals("loss") || options.names().containsKey(metric))));
        return new MetricNames(List.copyOf(entries));
    }
}
