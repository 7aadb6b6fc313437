package dev.losscompare.trainer;

import com.fasterxml.jackson.core.json.JsonReadFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import dev.losscompare.trainer.config.ConfigLoader;
import dev.losscompare.trainer.config.JobConfig;
import dev.losscompare.trainer.train.Trainer;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/** Runs the real trainer in-process at tiny shapes and reads back what it wrote. */
final class TinyRuns {
    static final Path PROJECT = Path.of("..").toAbsolutePath().normalize();
    static final Path LLAMA3_CONFIG = PROJECT.resolve("configs/llama3_debug.toml");
    static final ObjectMapper JSON = JsonMapper.builder().enable(JsonReadFeature.ALLOW_NON_NUMERIC_NUMBERS).build();

    private TinyRuns() {}

    static JobConfig config(Path metrics, String... overrides) {
        List<String> all = new ArrayList<>(List.of(
                "--training.steps=3", "--training.seq_len=32", "--training.local_batch_size=2",
                "--training.num_threads=1", "--metrics.path=" + metrics));
        all.addAll(Arrays.asList(overrides));
        return ConfigLoader.load(LLAMA3_CONFIG, all);
    }

    /** Trains and returns the step rows of the metrics file (meta line dropped). */
    static List<JsonNode> train(Path metrics, String... overrides) throws IOException {
        new Trainer(config(metrics, overrides), new PrintStream(new ByteArrayOutputStream())).run();
        return steps(metrics);
    }

    /** One run's first step trained from its own init (seed 5) and one loaded from that init's seed checkpoint (seed 6). */
    record RoundTrip(List<JsonNode> original, List<JsonNode> loaded) {}

    static RoundTrip seedCheckpointRoundTrip(Path dir, String model) throws IOException {
        Path ckpt = dir.resolve("seed.safetensors");
        new Trainer(config(dir.resolve("unused.jsonl"), model, "--checkpoint.create_seed_checkpoint",
                "--checkpoint.path=" + ckpt, "--debug.seed=5"), new PrintStream(new ByteArrayOutputStream())).run();
        List<JsonNode> original = train(dir.resolve("o.jsonl"), model, "--debug.seed=5", "--training.steps=1");
        List<JsonNode> loaded = train(dir.resolve("l.jsonl"), model, "--debug.seed=6", "--training.steps=1",
                "--checkpoint.initial_load_path=" + ckpt);
        return new RoundTrip(original, loaded);
    }

    static List<JsonNode> steps(Path metrics) throws IOException {
        List<JsonNode> rows = new ArrayList<>();
        for (String line : Files.readAllLines(metrics)) {
            JsonNode node = JSON.readTree(line);
            if (!node.has("meta")) rows.add(node);
        }
        return rows;
    }

    static double[] series(List<JsonNode> rows, String metric) {
        return rows.stream().mapToDouble(r -> r.get(metric).doubleValue()).toArray();
    }

    /** Bit patterns, so equality means bitwise equality (and NaN equals itself). */
    static long[] bits(List<JsonNode> rows, String metric) {
        return Arrays.stream(series(rows, metric)).mapToLong(Double::doubleToRawLongBits).toArray();
    }
}
