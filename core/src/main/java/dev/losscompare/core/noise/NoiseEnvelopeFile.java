package dev.losscompare.core.noise;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
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
            JsonNode tree = MAPPER.readTree(file.toFile());
            if (tree == null || !tree.isObject()) throw new IOException(file + ": not a noise envelope (not a JSON object)");
            String bad = badBands(tree.path("bands"));
            if (bad != null) throw new IOException(file + ": " + bad + RECALIBRATE);
            e = MAPPER.treeToValue(tree, NoiseEnvelope.class);
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
        String unusable = unusable(e);
        if (unusable != null) throw new IOException(file + ": " + unusable + RECALIBRATE);
        return e;
    }

    private static final String RECALIBRATE = "; calibrate it again: ./loss_compare.sh calibrate REV";

    /** Every band a list of finite numbers >= 0, one per step; else what is wrong, named by metric and step. */
    private static String badBands(JsonNode bands) {
        if (bands.isMissingNode() || bands.isNull()) return null;   // "bands are required" below
        if (!bands.isObject()) return "bands must map each metric to its band per step";
        var fields = bands.fields();
        while (fields.hasNext()) {
            var f = fields.next();
            if (!f.getValue().isArray()) return "the band of " + f.getKey() + " is not a list of numbers";
            for (int i = 0; i < f.getValue().size(); i++) {
                JsonNode v = f.getValue().get(i);
                String where = "the band of " + f.getKey() + " at step " + (i + 1);
                if (v.isNull()) return where + " is null";
                if (!v.isNumber()) return where + " is " + v + ", not a number";
                double d = v.asDouble();
                if (!Double.isFinite(d) || d < 0) return where + " is " + d + " (a band is a finite distance >= 0)";
            }
        }
        return null;
    }

    /** K >= 2 runs, one perturbation label per run, a band per step of settings.steps: else what is wrong. */
    private static String unusable(NoiseEnvelope e) {
        int k = e.calibration().runs();
        if (k < EnvelopeBuilder.MIN_RUNS) {
            return "calibration.runs is " + k + "; an envelope needs at least " + EnvelopeBuilder.MIN_RUNS + " perturbed runs";
        }
        if (e.calibration().perturbations().size() != k) {
            return "calibration.runs is " + k + " but " + e.calibration().perturbations().size() + " perturbations are listed";
        }
        int steps = e.settings().steps();
        if (steps < 1) return "settings.steps is " + steps;
        for (var band : e.bands().entrySet()) {
            if (band.getValue().size() != steps) {
                return "the band of " + band.getKey() + " has " + band.getValue().size() + " steps, settings.steps is " + steps;
            }
        }
        return null;
    }
}
