package dev.losscompare.trainer.checkpoint;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.SerializationFeature;
import dev.losscompare.trainer.data.PackedBatches;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Map;
import java.util.SortedMap;

/**
 * {@code step-N/manifest.json}: what wrote the checkpoint and what it holds (the format is in
 * docs/architecture.md, "Training checkpoints"). Written last, so a step folder with a manifest
 * is complete; its checksums tell a damaged file from a good one.
 *
 * @param config the keys that decide the numbers (see {@link RunConfig}), so a mismatch names them
 * @param lr the learning rate step {@code step} trained with
 * @param tensors each tensor's digest (first 16 hex digits of the SHA-256 of its bytes)
 */
public record Manifest(
        int formatVersion,
        String model,
        String flavor,
        int step,
        int worldSize,
        String configSha256,
        SortedMap<String, Object> config,
        int optimizerSteps,
        double lr,
        DataPosition dataPosition,
        Map<String, FileSum> files,
        Map<String, String> tensors) {

    public static final int FORMAT_VERSION = 1;
    public static final String FILE = "manifest.json", STATE = "state.safetensors";
    static final ObjectMapper JSON = new ObjectMapper()
            .setPropertyNamingStrategy(PropertyNamingStrategies.SNAKE_CASE)
            .enable(SerializationFeature.INDENT_OUTPUT)
            .enable(SerializationFeature.ORDER_MAP_ENTRIES_BY_KEYS);

    /** The data stream's position after step {@code step}: documents taken, tokens used of the last. */
    public record DataPosition(long documents, int offset) {
        static DataPosition of(PackedBatches.Position p) {
            return new DataPosition(p.documents(), p.offset());
        }

        PackedBatches.Position toPosition() {
            return new PackedBatches.Position(documents, offset);
        }
    }

    public record FileSum(long bytes, String sha256) {}

    byte[] toJson() throws IOException {
        return JSON.writeValueAsBytes(this);
    }

    public static Manifest read(Path file) throws IOException {
        return JSON.readValue(file.toFile(), Manifest.class);
    }
}
