package dev.losscompare.trainer.checkpoint;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import dev.losscompare.trainer.config.JobConfig;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.SortedMap;
import java.util.TreeMap;

/**
 * The config keys a resumed run must share with the run that wrote its checkpoint: everything
 * that decides the numbers (model, optimizer, schedule, training incl. steps and threads, seed,
 * determinism, parallelism). Outputs, tracing, timeouts and the checkpoint keys themselves may
 * differ. training.steps is in: the LR schedule is a function of it.
 */
final class RunConfig {
    private static final ObjectMapper SNAKE = new ObjectMapper().setPropertyNamingStrategy(PropertyNamingStrategies.SNAKE_CASE);
    private static final List<String> SECTIONS = List.of("model", "optimizer", "lr_scheduler", "training", "parallelism");
    private static final List<String> DEBUG_KEYS = List.of("seed", "deterministic");

    private RunConfig() {}

    static SortedMap<String, Object> of(JobConfig config) {
        JsonNode tree = SNAKE.valueToTree(config);
        SortedMap<String, Object> keys = new TreeMap<>();
        for (String section : SECTIONS) {
            tree.get(section).fields().forEachRemaining(e -> keys.put(section + "." + e.getKey(), value(e.getValue())));
        }
        for (String key : DEBUG_KEYS) keys.put("debug." + key, value(tree.get("debug").get(key)));
        return keys;
    }

    static String sha256(SortedMap<String, Object> keys) {
        try {
            return Digests.sha256(ByteBuffer.wrap(SNAKE.writeValueAsString(keys).getBytes(StandardCharsets.UTF_8)), 64);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    /** "optimizer.lr 0.0008 there, 0.001 here; ..." for the keys whose values differ (JSON-normalized). */
    static String differences(Map<String, Object> there, Map<String, Object> here) {
        TreeMap<String, Object> all = new TreeMap<>(there);
        here.forEach(all::putIfAbsent);
        List<String> out = new ArrayList<>();
        for (String key : all.keySet()) {
            Object a = normalized(there.get(key)), b = normalized(here.get(key));
            if (!Objects.equals(a, b)) out.add(key + " " + (a == null ? "absent" : a) + " there, " + (b == null ? "absent" : b) + " here");
        }
        return String.join("; ", out);
    }

    private static Object value(JsonNode v) {
        return v.isNumber() ? v.numberValue() : v.isBoolean() ? v.booleanValue() : v.asText();
    }

    private static Object normalized(Object v) {
        if (!(v instanceof Number n)) return v;
        double d = n.doubleValue();
        return d == StrictMath.rint(d) && Math.abs(d) < 1e15 ? (Object) (long) d : (Object) d;
    }
}
