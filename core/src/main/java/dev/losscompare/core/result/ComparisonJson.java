package dev.losscompare.core.result;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.core.json.JsonReadFeature;
import com.fasterxml.jackson.core.json.JsonWriteFeature;
import com.fasterxml.jackson.databind.json.JsonMapper;
import java.io.IOException;
import java.nio.file.Path;

/** comparison.json: snake_case keys, a schema_version, NaN kept as a token rather than lost. */
public final class ComparisonJson {
    public static final ObjectMapper MAPPER = JsonMapper.builder()
            .propertyNamingStrategy(PropertyNamingStrategies.SNAKE_CASE)
            .enable(SerializationFeature.INDENT_OUTPUT)
            // Map.copyOf iterates in a per-JVM random order; sorted keys make re-rendering byte-identical.
            .enable(SerializationFeature.ORDER_MAP_ENTRIES_BY_KEYS)
            .enable(JsonReadFeature.ALLOW_NON_NUMERIC_NUMBERS)
            .enable(JsonWriteFeature.WRITE_NAN_AS_STRINGS)
            .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
            .build();

    private ComparisonJson() {}

    public static String toJson(Comparison comparison) {
        try {
            return MAPPER.writeValueAsString(comparison);
        } catch (IOException e) {
            throw new IllegalStateException("cannot serialize comparison", e);
        }
    }

    public static Comparison read(Path file) throws IOException {
        Comparison c = MAPPER.readValue(file.toFile(), Comparison.class);
        if (c.schemaVersion() != Comparison.SCHEMA_VERSION && c.schemaVersion() != 1) {
            throw new IOException(file + ": schema_version " + c.schemaVersion()
                    + " is not supported (expected " + Comparison.SCHEMA_VERSION + ")");
        }
        return c;
    }
}
