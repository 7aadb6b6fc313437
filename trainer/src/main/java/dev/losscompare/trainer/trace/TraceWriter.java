package dev.losscompare.trainer.trace;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.json.JsonWriteFeature;
import java.io.BufferedWriter;
import java.io.Closeable;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.List;

/**
 * The trace file: one JSON object per line, fields in a fixed order (docs/architecture.md,
 * "Trace file"). Written aside and renamed onto the path when closed, also after a failed run (its
 * trace then ends without the "end" event). Doubles are Java's shortest round-trip repr, so a
 * float32 value reads back bit for bit; NaN and Infinity are bare tokens like the metrics file's.
 */
final class TraceWriter implements Closeable {
    private static final JsonFactory JSON = JsonFactory.builder().disable(JsonWriteFeature.WRITE_NAN_AS_STRINGS).build();
    private final Path file;
    private final Path tmp;
    private final BufferedWriter out;
    private final JsonGenerator json;

    private TraceWriter(Path file, Path tmp, BufferedWriter out, JsonGenerator json) {
        this.file = file;
        this.tmp = tmp;
        this.out = out;
        this.json = json;
    }

    static TraceWriter open(Path file) throws IOException {
        Path dir = file.toAbsolutePath().getParent();
        Files.createDirectories(dir);
        Path tmp = Files.createTempFile(dir, "." + file.getFileName(), ".tmp");
        BufferedWriter out = Files.newBufferedWriter(tmp, StandardCharsets.UTF_8);
        JsonGenerator json = JSON.createGenerator(out);
        json.setRootValueSeparator(null);
        return new TraceWriter(file, tmp, out, json);
    }

    /** Starts an event line: {"event":..., "step":...; the caller adds fields, then calls end(). */
    JsonGenerator begin(String event, int step) {
        try {
            json.writeStartObject();
            json.writeStringField("event", event);
            json.writeNumberField("step", step);
            return json;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Starts a line without a step (the header and the end). */
    JsonGenerator begin(String event) {
        try {
            json.writeStartObject();
            json.writeStringField("event", event);
            return json;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    void end() {
        try {
            json.writeEndObject();
            json.flush();
            out.write('\n');
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** shape, dtype, digest, then norm and max_abs (or true_count for bool); nulls for a missing tensor. */
    static void summary(JsonGenerator g, TensorSummary s) throws IOException {
        if (s == null) {
            g.writeNullField("shape");
            g.writeNullField("dtype");
            g.writeNullField("digest");
            g.writeNullField("norm");
            g.writeNullField("max_abs");
            return;
        }
        g.writeFieldName("shape");
        g.writeArray(s.shape(), 0, s.shape().length);
        g.writeStringField("dtype", s.dtype());
        g.writeStringField("digest", s.digest());
        if (s.trueCount() != null) {
            g.writeNumberField("true_count", s.trueCount());
        } else {
            g.writeNumberField("norm", s.norm());
            g.writeNumberField("max_abs", s.maxAbs());
        }
    }

    static void intArray(JsonGenerator g, String field, List<Integer> values) throws IOException {
        g.writeArrayFieldStart(field);
        for (int v : values) g.writeNumber(v);
        g.writeEndArray();
    }

    @Override
    public void close() throws IOException {
        try (BufferedWriter ignored = out) {
            json.close();
        }
        Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    }
}
