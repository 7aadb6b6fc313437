package dev.losscompare.harness.environment;

import com.fasterxml.jackson.databind.JsonNode;
import dev.losscompare.harness.UsageException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * Reads the {@code [environment.NAME]} tables of a suite or trainer file (format in
 * docs/environments.md). Strict like the rest of those files: an unknown key, a wrong type, a
 * bad name or a value run_train.sh could not pass to Maven is one line naming it.
 */
public final class EnvironmentTables {
    private static final Set<String> KEYS = new TreeSet<>(List.of("command_prefix", "env", "libtorch", "maven_properties"));
    private static final String NAME = "[A-Za-z0-9_][A-Za-z0-9._-]*";
    /** Passed through one whitespace-separated variable and then as -DNAME=VALUE: no blanks, nothing a shell would read. */
    private static final String PROPERTY_NAME = "[A-Za-z0-9._-]+", PROPERTY_VALUE = "[A-Za-z0-9._+:/@,-]+";

    private final String where;
    private final java.nio.file.Path folder;

    private EnvironmentTables(String where, java.nio.file.Path folder) {
        this.where = where;
        this.folder = folder;
    }

    /**
     * The environments of a parsed file's root (none: an empty map); {@code where} prefixes error
     * lines; a command prefix's first word that is a relative path (./wrap.sh) is taken from {@code folder}, the file's.
     */
    public static Map<String, Environment> parse(JsonNode root, String where, java.nio.file.Path folder) {
        JsonNode tables = root.path("environment");
        if (tables.isMissingNode()) return Map.of();
        return new EnvironmentTables(where, folder.toAbsolutePath().normalize()).environments(tables);
    }

    private Map<String, Environment> environments(JsonNode tables) {
        if (!tables.isObject()) throw error("'environment' must be [environment.NAME] tables");
        Map<String, Environment> out = new LinkedHashMap<>();
        tables.fields().forEachRemaining(e -> out.put(e.getKey(), environment(e.getKey(), e.getValue())));
        return out;
    }

    private Environment environment(String name, JsonNode t) {
        if (!name.matches(NAME)) {
            throw error("[environment." + name + "]: a name is letters, digits, '.', '_' or '-', not starting with '.' or '-'");
        }
        String at = "[environment." + name + "]";
        if (!t.isObject()) throw error(at + " must be a table");
        t.fields().forEachRemaining(f -> {
            if (KEYS.contains(f.getKey())) return;
            if (f.getValue().isObject()) {   // [environment.torch-2.7] is the table "torch-2" holding a table "7"
                throw error(at + "." + f.getKey() + ": a name with '.' is quoted in TOML: [environment.\"" + name + "." + f.getKey() + "\"]");
            }
            throw error(at + ": unknown key '" + f.getKey() + "' (valid: " + String.join(", ", KEYS) + ")");
        });
        List<String> prefix = new ArrayList<>();
        if (t.has("command_prefix")) {
            JsonNode v = t.get("command_prefix");
            if (!v.isArray() || v.isEmpty()) {
                throw error(at + ": command_prefix must be a non-empty list of strings (an argument list, not a shell line),"
                        + " e.g. [\"apptainer\", \"exec\", \"image.sif\"], got " + v);
            }
            for (JsonNode a : v) {
                if (!a.isTextual() || a.asText().isEmpty()) throw error(at + ": every entry of command_prefix must be a non-empty string, got " + a);
                // the wrapper lives beside the file that names it, not in each revision
                prefix.add(prefix.isEmpty() && a.asText().contains("/") ? folder.resolve(a.asText()).normalize().toString() : a.asText());
            }
        }
        Map<String, String> env = strings(t, "env", at, "[A-Za-z_][A-Za-z0-9_]*", null);
        Map<String, String> maven = new TreeMap<>(strings(t, "maven_properties", at, PROPERTY_NAME, PROPERTY_VALUE));
        if (t.has("libtorch")) {
            JsonNode v = t.get("libtorch");
            if (!v.isTextual() || !v.asText().matches(PROPERTY_VALUE)) {
                throw error(at + ": libtorch must be a bytedeco pytorch-platform version such as \"2.10.0-1.5.13\", got " + v);
            }
            if (maven.containsKey(Environment.LIBTORCH_PROPERTY)) {
                throw error(at + ": libtorch and maven_properties." + Environment.LIBTORCH_PROPERTY + " say the same: give one");
            }
            maven.put(Environment.LIBTORCH_PROPERTY, v.asText());
        }
        return new Environment(name, prefix, env, maven);
    }

    private Map<String, String> strings(JsonNode t, String key, String at, String namePattern, String valuePattern) {
        Map<String, String> out = new LinkedHashMap<>();
        if (!t.has(key)) return out;
        JsonNode v = t.get(key);
        if (!v.isObject()) throw error(at + ": " + key + " must be a table of strings, e.g. " + key + " = { NAME = \"value\" }, got " + v);
        v.fields().forEachRemaining(e -> {
            if (!e.getKey().matches(namePattern)) throw error(at + ": " + key + ": '" + e.getKey() + "' is not a valid name");
            JsonNode value = e.getValue();
            if (!value.isTextual()) throw error(at + ": " + key + "." + e.getKey() + " must be a string, got " + value);
            if (valuePattern != null && !value.asText().matches(valuePattern)) {
                throw error(at + ": " + key + "." + e.getKey() + " = '" + value.asText() + "' has characters Maven cannot take here"
                        + " (letters, digits and . _ + : / @ , - only)");
            }
            out.put(e.getKey(), value.asText());
        });
        return out;
    }

    private UsageException error(String what) {
        return new UsageException(UsageException.Reason.FILE, where + ": " + what);
    }
}
