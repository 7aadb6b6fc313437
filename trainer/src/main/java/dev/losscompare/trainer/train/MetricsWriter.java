package dev.losscompare.trainer.train;

import com.fasterxml.jackson.core.json.JsonWriteFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import java.io.BufferedWriter;
import java.io.Closeable;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

/**
 * The metrics file: JSON Lines, a {"meta":{...}} line then one object per step, flushed per line
 * so a watcher sees progress. Floats are written as the double of the fp32 value with Java's
 * shortest round-trip repr, so they read back bit for bit; NaN/Infinity are bare tokens.
 */
public final class MetricsWriter implements Closeable {
    private static final ObjectMapper JSON = JsonMapper.builder()
            .disable(JsonWriteFeature.WRITE_NAN_AS_STRINGS)
            .build();
    private final BufferedWriter out;

    private MetricsWriter(BufferedWriter out) {
        this.out = out;
    }

    /** Opens (truncating) the file; a blank path means no metrics file. */
    public static MetricsWriter open(String path) throws IOException {
        if (path == null || path.isEmpty()) return new MetricsWriter(null);
        Path file = Path.of(path);
        if (file.toAbsolutePath().getParent() != null) Files.createDirectories(file.toAbsolutePath().getParent());
        return new MetricsWriter(Files.newBufferedWriter(file, StandardCharsets.UTF_8));
    }

    public void writeMeta(Map<String, Object> meta) {
        if (out == null) return;
        try {
            writeLine(JSON.writeValueAsString(Map.of("meta", meta)));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public void writeStep(StepMetrics m) {
        if (out == null) return;
        StringBuilder line = new StringBuilder(256);
        line.append("{\"step\":").append(m.step())
                .append(",\"loss\":").append(number(m.loss()))
                .append(",\"grad_norm\":").append(number(m.gradNorm()))
                .append(",\"lr\":").append(number(m.lr()))
                .append(",\"tokens\":").append(m.tokens())
                .append(",\"tps\":").append(number(Math.round(m.tokensPerSecond() * 10) / 10.0))
                .append(",\"memory_bytes\":").append(m.memoryBytes())
                .append(",\"time_ms\":").append(number(Math.round(m.timeMs() * 10) / 10.0))
                .append(",\"cpu_ms\":").append(number(Math.round(m.cpuMs() * 10) / 10.0))
                .append(",\"data_fingerprint\":\"").append(m.dataFingerprint()).append("\"}");
        writeLine(line.toString());
    }

    static String number(double v) {
        if (Double.isNaN(v)) return "NaN";
        if (Double.isInfinite(v)) return v > 0 ? "Infinity" : "-Infinity";
        return Double.toString(v);
    }

    private void writeLine(String line) {
        try {
            out.write(line);
            out.write('\n');
            out.flush();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Override
    public void close() throws IOException {
        if (out != null) out.close();
    }
}
