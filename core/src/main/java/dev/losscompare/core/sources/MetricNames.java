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
record MetricNames(List<Entry> entries) {
    record Entry(String metric, String name, boolean required) {}

    static MetricNames resolve(Map<String, String> defaults, SourceOptions options) {
        Map<String, String> merged = new LinkedHashMap<>(defaults);
        merged.putAll(options.names());
        List<Entry> entries = new ArrayList<>();
        merged.forEach((metric, name) -> entries.add(
                new Entry(metric, name, metric.equals("loss") || options.names().containsKey(metric))));
        return new MetricNames(List.copyOf(entries));
    }
}
