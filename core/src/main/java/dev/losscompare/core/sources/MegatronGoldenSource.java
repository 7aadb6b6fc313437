package dev.losscompare.core.sources;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.losscompare.core.series.RunSeries;
import dev.losscompare.core.series.StepRecord;
import dev.losscompare.core.series.UnreadableSeriesException;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Megatron-LM functional-test golden values. Two layouts:
 * <ul>
 * <li>current ({@code tests/functional_tests/test_cases/.../golden_values_*.json}, read by
 *   {@code GoldenValueMetric} in tests/functional_tests/python_test_utils/common.py):
 *   {@code {"lm loss": {"start_step": 1, "end_step": 50, "step_interval": 1, "values": {"1": 10.93336, ...}}}},
 *   keys are iterations; a step without a value is written as the string "nan";</li>
 * <li>older ({@code tests/functional_tests/test_results/...json}, read by test_ci_pipeline.py):
 *   {@code "values": [...]} is a slice {@code [start_step:end_step:step_interval]} of the
 *   TensorBoard list, whose index 0 is iteration 1, so values[i] is iteration
 *   start_step + i * step_interval + 1.</li>
 * </ul>
 * Values are rounded to 5 decimals (common.py, read_tb_logs_as_list: round(x.value, 5)).
 * Metric keys default to Megatron's TensorBoard names: "lm loss" is the loss, "grad-norm" the grad-norm;
 * every key is also a metric by its own name ({@code --metrics="lm loss,num-zeros"}). Steps are the
 * file's own (start_step, step_interval): a golden logged every 5 iterations is compared every 5.
 * For the performance verdict, "iteration-time" (seconds) is also read as iteration_time_s,
 * "mem-max-allocated-bytes" (the peak) as memory_bytes and "mem-allocated-bytes" as
 * memory_allocated_bytes, when the golden has them.
 */
final class MegatronGoldenSource {
    static final int DECIMALS = 5;
    static final Map<String, String> MEGATRON_NAMES = defaults();
    private static final ObjectMapper JSON = new ObjectMapper();

    private MegatronGoldenSource() {}

    /** True when {@code root} looks like golden values: some member is an object with "values". */
    static boolean looksLikeGolden(JsonNode root) {
        if (root == null || !root.isObject() || root.has("step") || root.has("meta")) return false;
        for (JsonNode member : root) {
            if (member.isObject() && member.has("values") && member.has("step_interval")) return true;
        }
        return false;
    }

    static SourcedSeries read(Path file, SourceOptions options) {
        JsonNode root;
        try {
            root = JSON.readTree(file.toFile());
        } catch (IOException e) {
            throw new UnreadableSeriesException(file + ": not a JSON document (" + firstLine(e.getMessage()) + ")");
        }
        if (root == null || !root.isObject()) throw new UnreadableSeriesException(file + ": not a JSON object of metrics");
        TreeMap<Integer, Map<String, Double>> rows = new TreeMap<>();
        Map<String, ValuePrecision> precision = new LinkedHashMap<>();
        for (MetricNames.Entry entry : MetricNames.resolve(MEGATRON_NAMES, options).entries()) {
            JsonNode metric = root.get(entry.name());
            if (metric == null) {
                if (!entry.required()) continue;
                List<String> names = new ArrayList<>();
                root.fieldNames().forEachRemaining(names::add);
                throw new UnreadableSeriesException(file + ": no metric \"" + entry.name() + "\" for " + entry.metric()
                        + " (metrics: " + String.join(", ", names) + "); map one with " + entry.metric() + "=NAME");
            }
            values(file, entry.name(), metric).forEach((step, value) ->
                    rows.computeIfAbsent(step, s -> new LinkedHashMap<>()).put(entry.metric(), value));
            precision.put(entry.metric(), ValuePrecision.decimals(DECIMALS));
        }
        if (rows.isEmpty()) throw new UnreadableSeriesException(file + ": the loss metric has no values");
        // Every metric of the file is also one by its own name ("lm loss", "num-zeros", "iteration-time"), at its own steps.
        var names = root.fieldNames();
        while (names.hasNext()) {
            String name = names.next();
            JsonNode metric = root.get(name);
            if (!metric.isObject() || !metric.has("values")) continue;
            values(file, name, metric).forEach((step, value) ->
                    rows.computeIfAbsent(step, s -> new LinkedHashMap<>()).putIfAbsent(name, value));
            precision.putIfAbsent(name, ValuePrecision.decimals(DECIMALS));
        }
        List<StepRecord> steps = new ArrayList<>();
        rows.forEach((step, values) -> steps.add(new StepRecord(step, values, null)));
        return new SourcedSeries(file, SeriesFormat.MEGATRON_GOLDEN, new RunSeries(Map.of(), steps), precision);
    }

    private static Map<Integer, Double> values(Path file, String name, JsonNode metric) {
        JsonNode values = metric.get("values");
        String where = file + ": \"" + name + "\"";
        Map<Integer, Double> byStep = new TreeMap<>();
        if (values != null && values.isObject()) {
            var fields = values.fields();
            while (fields.hasNext()) {
                var f = fields.next();
                int step;
                try {
                    step = Integer.parseInt(f.getKey());
                } catch (NumberFormatException e) {
                    throw new UnreadableSeriesException(where + ": step key \"" + f.getKey() + "\" is not an integer");
                }
                byStep.put(step, value(where + " step " + step, f.getValue()));
            }
        } else if (values != null && values.isArray()) {
            int start = integer(where, metric, "start_step"), interval = integer(where, metric, "step_interval");
            if (interval <= 0) throw new UnreadableSeriesException(where + ": step_interval must be > 0");
            for (int i = 0; i < values.size(); i++) {
                int step = start + i * interval + 1;
                byStep.put(step, value(where + " value " + i, values.get(i)));
            }
        } else {
            throw new UnreadableSeriesException(where + ": no \"values\" object or list");
        }
        if (byStep.isEmpty()) throw new UnreadableSeriesException(where + ": no values");
        return byStep;
    }

    private static double value(String where, JsonNode v) {
        if (v.isNumber()) return v.doubleValue();
        // Megatron writes "nan" both for a NaN and for a step that was not logged (common.py).
        if (v.isTextual() && v.asText().equalsIgnoreCase("nan")) return Double.NaN;
        throw new UnreadableSeriesException(where + ": " + v + " is not a number");
    }

    private static int integer(String where, JsonNode metric, String key) {
        JsonNode n = metric.get(key);
        if (n == null || !n.canConvertToInt() || !n.isIntegralNumber()) {
            throw new UnreadableSeriesException(where + ": missing or non-integer \"" + key + "\"");
        }
        return n.intValue();
    }

    private static String firstLine(String message) {
        return message == null ? "parse error" : message.lines().findFirst().orElse("parse error");
    }

    private static Map<String, String> defaults() {
        Map<String, String> names = new LinkedHashMap<>();
        names.put("loss", "lm loss");
        names.put("grad_norm", "grad-norm");
        names.put("iteration_time_s", "iteration-time");
        names.put("memory_bytes", "mem-max-allocated-bytes");
        names.put("memory_allocated_bytes", "mem-allocated-bytes");
        return Collections.unmodifiableMap(names);
    }
}
