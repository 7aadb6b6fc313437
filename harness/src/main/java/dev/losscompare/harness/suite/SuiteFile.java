package dev.losscompare.harness.suite;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.dataformat.toml.TomlMapper;
import dev.losscompare.harness.UsageException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * Reads a sign-off suite (configs/signoff.toml): {@code [[case]]} tables with {@code name},
 * {@code config} and optional {@code options} (a list of trainer overrides), {@code atol},
 * {@code rtol}; and an optional {@code [gate]} table (steps, seed, threads, train_options, atol,
 * rtol). Unknown keys, a duplicate or unsafe name, or a missing config key are errors naming the case.
 */
public final class SuiteFile {
    private static final Set<String> CASE_KEYS = Set.of("name", "config", "options", "atol", "rtol");
    private static final Set<String> GATE_KEYS = Set.of("steps", "seed", "threads", "train_options", "atol", "rtol");

    private SuiteFile() {}

    public static List<SuiteCase> read(Path file) {
        return readSuite(file).cases();
    }

    public static Suite readSuite(Path file) {
        if (!Files.isRegularFile(file)) throw new UsageException("--suite: no such file: " + file);
        JsonNode root;
        try {
            root = new TomlMapper().readTree(file.toFile());
        } catch (IOException e) {
            throw new UsageException("--suite: " + file + " is not valid TOML: " + firstLine(e.getMessage()));
        }
        root.fieldNames().forEachRemaining(key -> {
            if (!key.equals("case") && !key.equals("gate")) {
                throw new UsageException("--suite: " + file + ": unknown key '" + key + "' (expected [[case]] tables and [gate])");
            }
        });
        JsonNode cases = root.path("case");
        if (!cases.isArray() || cases.isEmpty()) throw new UsageException("--suite: " + file + " lists no [[case]]");
        List<SuiteCase> out = new ArrayList<>();
        Set<String> names = new LinkedHashSet<>();
        for (JsonNode c : cases) {
            String name = c.path("name").asText("");
            if (!name.matches("[A-Za-z0-9._-]+")) {
                throw new UsageException("--suite: " + file + ": every case needs a name of letters, digits, '.', '_' or '-' (got '" + name + "')");
            }
            c.fieldNames().forEachRemaining(key -> {
                if (!CASE_KEYS.contains(key)) {
                    throw new UsageException("--suite: case " + name + ": unknown key '" + key + "' (valid: config, name, options)");
                }
            });
            if (!names.add(name)) throw new UsageException("--suite: case " + name + " is listed twice");
            if (!c.path("config").isTextual()) throw new UsageException("--suite: case " + name + " needs config = \"PATH\"");
            List<String> options = new ArrayList<>();
            for (JsonNode o : c.path("options")) options.add(o.asText());
            out.add(new SuiteCase(name, c.get("config").asText(), options, tolerance(c, "atol", name), tolerance(c, "rtol", name)));
        }
        return new Suite(out, gate(root.path("gate"), file));
    }

    private static GateSettings gate(JsonNode g, Path file) {
        GateSettings d = GateSettings.DEFAULT;
        if (g.isMissingNode()) return d;
        g.fieldNames().forEachRemaining(key -> {
            if (!GATE_KEYS.contains(key)) {
                throw new UsageException("--suite: [gate]: unknown key '" + key + "' (valid: " + String.join(", ", new java.util.TreeSet<>(GATE_KEYS)) + ")");
            }
        });
        List<String> options = new ArrayList<>();
        for (JsonNode o : g.path("train_options")) options.add(o.asText());
        GateSettings s = new GateSettings(g.path("steps").asInt(d.steps()), g.path("seed").asLong(d.seed()),
                g.path("threads").asInt(d.threads()), options.isEmpty() ? d.trainOptions() : options,
                g.has("atol") ? tolerance(g, "atol", "[gate]") : d.atol(), g.has("rtol") ? tolerance(g, "rtol", "[gate]") : d.rtol());
        if (s.steps() < 1 || s.threads() < 1) throw new UsageException("--suite: " + file + ": [gate] steps and threads must be at least 1");
        return s;
    }

    private static Double tolerance(JsonNode node, String key, String where) {
        if (!node.has(key)) return null;
        double v = node.get(key).asDouble(-1);
        if (!node.get(key).isNumber() || !(v >= 0) || Double.isInfinite(v)) {
            throw new UsageException("--suite: " + where + ": " + key + " must be a number >= 0");
        }
        return v;
    }

    /** The cases named in {@code --cases=a,b}, in suite order; an unknown name lists the valid ones. */
    public static List<SuiteCase> select(List<SuiteCase> all, String csv) {
        if (csv == null) return all;
        List<String> wanted = new ArrayList<>();
        for (String n : csv.split(",")) if (!n.isBlank()) wanted.add(n.strip());
        List<String> valid = all.stream().map(SuiteCase::name).toList();
        for (String n : wanted) {
            if (!valid.contains(n)) throw new UsageException("--cases: no case '" + n + "' in the suite (valid: " + String.join(", ", valid) + ")");
        }
        if (wanted.isEmpty()) throw new UsageException("--cases: name at least one case");
        return all.stream().filter(c -> wanted.contains(c.name())).toList();
    }

    private static String firstLine(String s) {
        return s == null ? "parse error" : s.lines().findFirst().orElse("parse error");
    }
}
