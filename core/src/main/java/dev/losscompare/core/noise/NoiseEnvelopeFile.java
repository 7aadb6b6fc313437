package dev.losscompare.core.noise;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.json.JsonMapper;
import dev.losscompare.core.io.AtomicFiles;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * A noise envelope on disk (`<case>.json` in a calibrate output folder or in configs/noise/):
 * snake_case keys, sorted maps, a {@code format_version}; written atomically. A file of another
 * version, or one that is not an envelope, is refused with one line naming the file.
 */
public final class NoiseEnvelopeFile {
    private static final ObjectMapper MAPPER = JsonMapper.builder()
            .propertyNamingStrategy(PropertyNamingStrategies.SNAKE_CASE)
            .enable(SerializationFeature.INDENT_OUTPUT)
            .enable(SerializationFeature.ORDER_MAP_ENTRIES_BY_KEYS)
            .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
            .build();

    private NoiseEnvelopeFile() {}

    /** The file of a case in a folder of envelopes. */
    public static Path inFolder(Path dir, String caseName) {
        return dir.resolve(caseName + ".json");
    }

    public static void write(NoiseEnvelope envelope, Path file) throws IOException {
        AtomicFiles.writeString(file, MAPPER.writeValueAsString(envelope) + "\n");
    }

    public static NoiseEnvelope read(Path file) throws IOException {
        if (!Files.isRegularFile(file)) throw new IOException("no noise envelope " + file);
        NoiseEnvelope e;
        try {
            e = MAPPER.readValue(file.toFile(), NoiseEnvelope.class);
        } catch (com.fasterxml.jackson.core.JacksonException x) {
            throw new IOException(file + ": not a noise envelope (" + x.getOriginalMessage() + ")");
        }
        if (e.caseName() == null || e.settings() == null || e.calibration() == null || e.bands().isEmpty()) {
            throw new IOException(file + ": not a noise envelope (case_name, settings, calibration and bands are required)");
        }
        if (e.formatVersion() != NoiseEnvelope.FORMAT_VERSION) {
            throw new IOException(file + ": noise envelope format_version " + e.formatVersion() + " is not supported (expected "
                    + NoiseEnvelope.FORMAT_VERSION + ")");
        }
        return e;
    }
}
