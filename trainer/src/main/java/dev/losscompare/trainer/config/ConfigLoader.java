package dev.losscompare.trainer.config;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.node.BooleanNode;
import com.fasterxml.jackson.databind.node.DoubleNode;
import com.fasterxml.jackson.databind.node.LongNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.node.TextNode;
import com.fasterxml.jackson.dataformat.toml.TomlMapper;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;

/**
 * Loads a TOML job config over the built-in defaults, applies {@code --section.key=value}
 * overrides, and rejects unknown keys and ill-typed values with a message naming the key.
 * The set of valid keys is exactly the keys of defaults.toml.
 */
public final class ConfigLoader {
    private static final TomlMapper TOML = new TomlMapper();
    private static final ObjectMapper BINDER = new ObjectMapper()
            .setPropertyNamingStrategy(PropertyNamingStrategies.SNAKE_CASE)
            .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
            .enable(DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES);

    private ConfigLoader() {}

    /** Loads {@code file} (may be null: defaults only), then applies overrides in order. */
    public static JobConfig load(Path file, List<String> overrides) {
        ObjectNode tree = defaults();
        if (file != null) merge(tree, readFile(file), file.toString());
        for (String override : overrides) applyOverride(tree, override);
        JobConfig config;
        try {
            config = BINDER.treeToValue(tree, JobConfig.class);
        } catch (IOException e) {
            throw new ConfigException("invalid config: " + firstLine(e.getMessage()));
        }
        ConfigValidator.validate(config);
        return config;
    }

    private static ObjectNode defaults() {
        try (InputStream in = ConfigLoader.class.getResourceAsStream("/defaults.toml")) {
            return (ObjectNode) TOML.readTree(in);
        } catch (IOException | NullPointerException e) {
            throw new IllegalStateException("built-in defaults.toml is missing from the trainer jar", e);
        }
    }

    private static ObjectNode readFile(Path file) {
        if (!Files.isRegularFile(file)) {
            throw new ConfigException("config file not found: " + file + " (pass --config=PATH to an existing TOML file)");
        }
        try {
            JsonNode node = TOML.readTree(file.toFile());
            if (!(node instanceof ObjectNode obj)) throw new ConfigException("config " + file + " is not a TOML table");
            return obj;
        } catch (IOException e) {
            throw new ConfigException("config " + file + " is not valid TOML: " + firstLine(e.getMessage()));
        }
    }

    /** Copies user values over defaults, checking each section and key exists and the type fits. */
    private static void merge(ObjectNode into, ObjectNode from, String source) {
        for (Map.Entry<String, JsonNode> section : iterable(from)) {
            JsonNode defaults = into.get(section.getKey());
            if (!(defaults instanceof ObjectNode target)) {
                throw new ConfigException(source + ": unknown section [" + section.getKey() + "] (valid sections: "
                        + String.join(", ", names(into)) + ")");
            }
            if (!section.getValue().isObject()) {
                throw new ConfigException(source + ": [" + section.getKey() + "] must be a table");
            }
            for (Map.Entry<String, JsonNode> kv : iterable((ObjectNode) section.getValue())) {
                String key = section.getKey() + "." + kv.getKey();
                JsonNode current = requireKey(target, section.getKey(), kv.getKey(), source);
                target.set(kv.getKey(), coerce(key, current, kv.getValue(), source));
            }
        }
    }

    private static void applyOverride(ObjectNode tree, String override) {
        if (!override.startsWith("--")) {
            throw new ConfigException("unexpected argument '" + override + "' (overrides look like --section.key=value)");
        }
        String body = override.substring(2);
        int eq = body.indexOf('=');
        String key = eq < 0 ? body : body.substring(0, eq);
        int dot = key.indexOf('.');
        if (dot <= 0 || dot == key.length() - 1) {
            throw new ConfigException("bad override '" + override + "' (expected --section.key=value, e.g. --training.steps=5)");
        }
        String section = key.substring(0, dot), name = key.substring(dot + 1);
        JsonNode sectionNode = tree.get(section);
        if (!(sectionNode instanceof ObjectNode target)) {
            throw new ConfigException("unknown key '" + key + "' (valid sections: " + String.join(", ", names(tree)) + ")");
        }
        JsonNode current = requireKey(target, section, name, "override");
        if (eq < 0) {
            // A bare --section.flag means true, and only makes sense for booleans.
            if (!current.isBoolean()) {
                throw new ConfigException("override --" + key + " needs a value (--" + key + "=VALUE)");
            }
            target.set(name, BooleanNode.TRUE);
            return;
        }
        target.set(name, parseScalar(key, current, body.substring(eq + 1)));
    }

    private static JsonNode requireKey(ObjectNode section, String sectionName, String key, String source) {
        JsonNode current = section.get(key);
        if (current == null) {
            throw new ConfigException(source + ": unknown key '" + sectionName + "." + key + "' (valid keys in ["
                    + sectionName + "]: " + String.join(", ", names(section)) + ")");
        }
        return current;
    }

    /** Parses an override string into the type of the key's default. */
    private static JsonNode parseScalar(String key, JsonNode typeOf, String raw) {
        try {
            if (typeOf.isBoolean()) {
                if (raw.equals("true")) return BooleanNode.TRUE;
                if (raw.equals("false")) return BooleanNode.FALSE;
                throw new NumberFormatException();
            }
            if (typeOf.isIntegralNumber()) return LongNode.valueOf(Long.parseLong(raw.replace("_", "")));
            if (typeOf.isNumber()) return DoubleNode.valueOf(Double.parseDouble(raw));
            return TextNode.valueOf(raw);
        } catch (NumberFormatException e) {
            throw new ConfigException("bad value '" + raw + "' for " + key + ": expected " + typeName(typeOf));
        }
    }

    private static JsonNode coerce(String key, JsonNode typeOf, JsonNode value, String source) {
        boolean ok = typeOf.isBoolean() ? value.isBoolean()
                : typeOf.isIntegralNumber() ? value.isIntegralNumber()
                : typeOf.isNumber() ? value.isNumber()
                : value.isTextual();
        if (!ok) {
            throw new ConfigException(source + ": bad value " + value + " for " + key + ": expected " + typeName(typeOf));
        }
        return typeOf.isNumber() && !typeOf.isIntegralNumber() ? DoubleNode.valueOf(value.doubleValue()) : value;
    }

    private static String typeName(JsonNode typeOf) {
        if (typeOf.isBoolean()) return "true or false";
        if (typeOf.isIntegralNumber()) return "an integer";
        if (typeOf.isNumber()) return "a number";
        return "a string";
    }

    private static Iterable<Map.Entry<String, JsonNode>> iterable(ObjectNode node) {
        return node::fields;
    }

    private static List<String> names(ObjectNode node) {
        TreeSet<String> sorted = new TreeSet<>();
        node.fieldNames().forEachRemaining(sorted::add);
        return new ArrayList<>(sorted);
    }

    private static String firstLine(String message) {
        if (message == null) return "parse error";
        int nl = message.indexOf('\n');
        return nl < 0 ? message : message.substring(0, nl);
    }
}
