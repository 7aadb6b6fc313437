package dev.losscompare.harness.resume;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeSet;

/**
 * Which training state differs, from the manifests of this project's checkpoints (their format is
 * in docs/architecture.md, "Training checkpoints"): the per-tensor digests by state group, and the
 * counters (optimizer steps, lr, data position). Three questions, in the order they explain a
 * resume that went elsewhere: what the step-K checkpoint does not hold at all, whether the data
 * stream resumed at its position, and which state differs one step after the resume.
 */
final class StateDiff {
    private static final ObjectMapper JSON = new ObjectMapper();
    /** Tensor name prefixes of the format and what they are; every checkpoint holds the first four. */
    static final Map<String, String> GROUPS = groups();
    private static final List<String> REQUIRED = List.of("model.", "optimizer.exp_avg.", "optimizer.exp_avg_sq.", "rng.cpu");

    private static Map<String, String> groups() {
        Map<String, String> g = new LinkedHashMap<>();
        g.put("model.", "weights");
        g.put("optimizer.exp_avg.", "optimizer first moment (exp_avg)");
        g.put("optimizer.exp_avg_sq.", "optimizer second moment (exp_avg_sq)");
        g.put("buffer.", "buffers (MoE expert bias)");
        g.put("rng.cpu", "RNG state");
        g.put("rng.cuda", "CUDA RNG state");
        return g;
    }

    private StateDiff() {}

    static JsonNode read(Path stepDir) throws IOException {
        Path m = stepDir.resolve("manifest.json");
        if (!Files.isRegularFile(m)) throw new IOException("no " + m);
        return JSON.readTree(m.toFile());
    }

    /** "not saved: ..." for the state groups and counters the checkpoint lacks, or null when it holds them all. */
    static String notSaved(JsonNode manifest) {
        List<String> missing = new ArrayList<>();
        JsonNode tensors = manifest.path("tensors");
        for (String prefix : REQUIRED) {
            if (!anyWithPrefix(tensors, prefix)) missing.add(GROUPS.get(prefix) + " (no " + prefix + (prefix.endsWith(".") ? "*" : "") + " tensors)");
        }
        for (String counter : List.of("optimizer_steps", "lr", "data_position")) {
            if (manifest.path(counter).isMissingNode() || manifest.path(counter).isNull()) missing.add(counter);
        }
        return missing.isEmpty() ? null : "the step-" + manifest.path("step").asInt() + " checkpoint does not save: " + String.join(", ", missing);
    }

    /** What differs between the continuous and the resumed run's state after the same step. */
    static String after(JsonNode continuous, JsonNode resumed) {
        int step = continuous.path("step").asInt();
        List<String> differ = new ArrayList<>(), equal = new ArrayList<>();
        JsonNode a = continuous.path("tensors"), b = resumed.path("tensors");
        for (Map.Entry<String, String> g : GROUPS.entrySet()) {
            TreeSet<String> names = names(a, g.getKey());
            names.addAll(names(b, g.getKey()));
            if (names.isEmpty()) continue;
            int n = 0;
            for (String name : names) if (!Objects.equals(a.path(name).asText(null), b.path(name).asText(null))) n++;
            if (n == 0) equal.add(g.getValue());
            else differ.add(g.getValue() + " (" + n + " of " + names.size() + " tensors)");
        }
        counter(continuous, resumed, "data_position", "data position", differ, equal);
        counter(continuous, resumed, "lr", "lr", differ, equal);
        counter(continuous, resumed, "optimizer_steps", "optimizer step count", differ, equal);
        if (differ.isEmpty()) return "the state after step " + step + " is identical (" + String.join(", ", equal) + ")";
        return "state after step " + step + ": differs: " + String.join(", ", differ)
                + (equal.isEmpty() ? "" : "; identical: " + String.join(", ", equal));
    }

    /** Whether two checkpoints hold the same state: every tensor's digest and the counters. */
    static boolean identical(JsonNode a, JsonNode b) {
        for (String key : List.of("tensors", "optimizer_steps", "lr", "data_position")) {
            if (!a.path(key).equals(b.path(key))) return false;
        }
        return true;
    }

    /** Tensors of {@code baseline}'s checkpoint that {@code test}'s lacks, and the other way round (a format change). */
    static String namesDiffer(JsonNode baseline, JsonNode test) {
        TreeSet<String> a = names(baseline.path("tensors"), ""), b = names(test.path("tensors"), "");
        TreeSet<String> onlyBase = new TreeSet<>(a), onlyTest = new TreeSet<>(b);
        onlyBase.removeAll(b);
        onlyTest.removeAll(a);
        if (onlyBase.isEmpty() && onlyTest.isEmpty()) return null;
        return "the checkpoints differ in their tensors: only the baseline's has " + abbreviated(onlyBase)
                + ", only the test's has " + abbreviated(onlyTest);
    }

    private static void counter(JsonNode a, JsonNode b, String key, String label, List<String> differ, List<String> equal) {
        JsonNode x = a.path(key), y = b.path(key);
        if (x.isMissingNode() && y.isMissingNode()) return;
        if (x.equals(y)) equal.add(label);
        else differ.add(label + " (" + shown(x) + " continuous, " + shown(y) + " resumed)");
    }

    private static String shown(JsonNode v) {
        return v.isMissingNode() ? "absent" : v.toString();
    }

    private static boolean anyWithPrefix(JsonNode tensors, String prefix) {
        return !names(tensors, prefix).isEmpty();
    }

    private static TreeSet<String> names(JsonNode tensors, String prefix) {
        TreeSet<String> out = new TreeSet<>();
        for (Iterator<String> it = tensors.fieldNames(); it.hasNext(); ) {
            String n = it.next();
            if (n.startsWith(prefix)) out.add(n);
        }
        return out;
    }

    private static String abbreviated(TreeSet<String> names) {
        if (names.isEmpty()) return "none";
        List<String> list = new ArrayList<>(names);
        return list.size() <= 4 ? String.join(", ", list) : String.join(", ", list.subList(0, 4)) + ", ... (" + list.size() + ")";
    }
}
