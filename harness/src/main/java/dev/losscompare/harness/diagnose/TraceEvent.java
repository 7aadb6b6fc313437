package dev.losscompare.harness.diagnose;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.List;

/**
 * One line of a trainer trace (docs/architecture.md, "Trace file"). Two events are the same when
 * their lines are equal as JSON: a tensor summary holds the digest of the bytes, so equal lines
 * mean bitwise-equal tensors, and numbers are written so they read back bit for bit.
 */
record TraceEvent(String event, int step, String name, JsonNode line) {
    static TraceEvent of(JsonNode line) {
        String event = line.path("event").asText("");
        int step = line.path("step").asInt(-1);
        String name = line.hasNonNull("name") ? line.get("name").asText() : line.hasNonNull("kind") ? line.get("kind").asText() : null;
        return new TraceEvent(event, step, name, line);
    }

    boolean sameAs(TraceEvent other) {
        return other != null && line.equals(other.line);
    }

    Double number(String field) {
        JsonNode v = line.get(field);
        return v == null || v.isNull() ? null : v.isNumber() ? v.asDouble() : parseToken(v.asText());
    }

    Long integer(String field) {
        JsonNode v = line.get(field);
        return v == null || !v.isIntegralNumber() ? null : v.asLong();
    }

    String text(String field) {
        JsonNode v = line.get(field);
        return v == null || v.isNull() ? null : v.asText();
    }

    List<Long> shape() {
        JsonNode v = line.get("shape");
        if (v == null || !v.isArray()) return null;
        List<Long> out = new ArrayList<>();
        v.forEach(n -> out.add(n.asLong()));
        return out;
    }

    /** NaN and Infinity are bare tokens in the file; the reader may hand them over as text. */
    private static Double parseToken(String s) {
        try {
            return Double.valueOf(s);
        } catch (NumberFormatException e) {
            return null;
        }
    }
}
