package dev.losscompare.trainer;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.losscompare.trainer.config.ConfigException;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Training checkpoints in-process at tiny shapes: train 1..4 continuously (writing step-2 and
 * step-4), then resume from step-2 and train 3..4 again: the same bits, and the same state.
 */
class TrainingCheckpointTest {
    @TempDir Path dir;

    private static String[] with(String config, Path folder, String... extra) {
        List<String> args = new ArrayList<>(List.of("--training.steps=4", "--checkpoint.enable",
                "--checkpoint.folder=" + folder, "--checkpoint.interval=2", "--checkpoint.keep_latest_k=0"));
        if (config != null) args.add(0, "--model.name=" + config);
        args.addAll(Arrays.asList(extra));
        return args.toArray(String[]::new);
    }

    private static JsonNode manifest(Path stepDir) throws IOException {
        return TinyRuns.JSON.readTree(stepDir.resolve("manifest.json").toFile());
    }

    @ParameterizedTest
    @ValueSource(strings = {"llama3", "llama4", "deepseek_v3"})
    void resumingFromAStepCheckpointContinuesBitwise(String model) throws Exception {
        Path folder = dir.resolve("ckpt");
        List<JsonNode> continuous = TinyRuns.train(dir.resolve("a.jsonl"), with(model, folder));
        assertEquals(4, continuous.size());
        JsonNode stateAt4 = manifest(folder.resolve("step-4"));

        List<JsonNode> resumed = TinyRuns.train(dir.resolve("b.jsonl"), with(model, folder, "--checkpoint.load_step=2"));
        assertEquals(List.of(3, 4), resumed.stream().map(r -> r.get("step").intValue()).toList());
        List<JsonNode> tail = continuous.subList(2, 4);
        for (String metric : List.of("loss", "grad_norm", "lr")) {
            assertArrayEquals(TinyRuns.bits(tail, metric), TinyRuns.bits(resumed, metric), metric);
        }
        assertEquals(tail.stream().map(r -> r.get("data_fingerprint")).toList(),
                resumed.stream().map(r -> r.get("data_fingerprint")).toList());
        // Not only the series: every tensor of the state after step 4 (weights, both moments, buffers, RNG) and the counters.
        JsonNode again = manifest(folder.resolve("step-4"));
        assertEquals(stateAt4.get("tensors"), again.get("tensors"));
        for (String key : List.of("optimizer_steps", "data_position", "lr", "config_sha256")) assertEquals(stateAt4.get(key), again.get(key), key);
        assertEquals(4, TinyRuns.JSON.readTree(Files.readAllLines(dir.resolve("b.jsonl")).get(0)).get("meta")
                .get("resumed_from_step").intValue() + 2);
        if (!model.equals("llama3")) {
            assertTrue(stateAt4.get("tensors").has("buffer.layers.1.moe.expert_bias"), "the MoE load-balancing bias is saved");
        }
    }

    @Test
    void theManifestRecordsWhatDecidesTheNextStep() throws Exception {
        Path folder = dir.resolve("ckpt");
        List<JsonNode> rows = TinyRuns.train(dir.resolve("a.jsonl"), with(null, folder, "--training.steps=3"));
        assertEquals(List.of("step-2", "step-3"), listing(folder), "every interval-th step and the last one");
        JsonNode m = manifest(folder.resolve("step-2"));
        assertEquals(1, m.get("format_version").intValue());
        assertEquals("llama3", m.get("model").asText());
        assertEquals(2, m.get("step").intValue());
        assertEquals(1, m.get("world_size").intValue());
        assertEquals(2, m.get("optimizer_steps").intValue());
        assertEquals(rows.get(1).get("lr").doubleValue(), m.get("lr").doubleValue());
        assertTrue(m.get("data_position").get("documents").longValue() > 0);
        assertEquals(64, m.get("config_sha256").asText().length());
        assertEquals(3, m.get("config").get("training.steps").intValue());
        JsonNode file = m.get("files").get("state.safetensors");
        assertEquals(Files.size(folder.resolve("step-2/state.safetensors")), file.get("bytes").longValue());
        JsonNode tensors = m.get("tensors");
        for (String name : List.of("model.tok_embeddings.weight", "optimizer.exp_avg.tok_embeddings.weight",
                "optimizer.exp_avg_sq.output.weight", "rng.cpu")) {
            assertTrue(tensors.has(name), name);
        }
        assertNotEquals(tensors.get("optimizer.exp_avg.output.weight"), tensors.get("optimizer.exp_avg_sq.output.weight"));
        assertFalse(tensors.has("rng.cuda"), "a CPU run has no CUDA generator state");
        assertEquals("rss", TinyRuns.JSON.readTree(Files.readAllLines(dir.resolve("a.jsonl")).get(0)).get("meta")
                .get("memory_source").asText(), "on CPU memory_bytes is the resident set");
    }

    @Test
    void theLatestCheckpointIsTheDefaultAndKeepLatestKDropsOlderOnes() throws Exception {
        Path folder = dir.resolve("ckpt");
        TinyRuns.train(dir.resolve("a.jsonl"), with(null, folder, "--checkpoint.interval=1", "--checkpoint.keep_latest_k=2"));
        assertEquals(List.of("step-3", "step-4"), listing(folder));
        // load_step omitted: the latest (step-4); nothing is left to train.
        List<JsonNode> none = TinyRuns.train(dir.resolve("b.jsonl"), with(null, folder, "--checkpoint.interval=1"));
        assertTrue(none.isEmpty());
        assertEquals(4, TinyRuns.JSON.readTree(Files.readAllLines(dir.resolve("b.jsonl")).get(0)).get("meta")
                .get("resumed_from_step").intValue());
        ConfigException one = assertThrows(ConfigException.class,
                () -> TinyRuns.config(dir.resolve("c.jsonl"), "--checkpoint.keep_latest_k=1"));
        assertTrue(one.getMessage().contains("checkpoint.keep_latest_k"), one.getMessage());
    }

    @Test
    void anEmptyFolderStartsFreshAndTheInitialLoadPathAppliesOnlyThen() throws Exception {
        Path seed = dir.resolve("seed.safetensors");
        new dev.losscompare.trainer.train.Trainer(TinyRuns.config(dir.resolve("u.jsonl"), "--checkpoint.create_seed_checkpoint",
                "--checkpoint.path=" + seed, "--debug.seed=7"), new PrintStream(new ByteArrayOutputStream())).run();
        Path folder = dir.resolve("ckpt");
        List<JsonNode> fromSeed = TinyRuns.train(dir.resolve("a.jsonl"), with(null, folder, "--checkpoint.initial_load_path=" + seed));
        List<JsonNode> plain = TinyRuns.train(dir.resolve("p.jsonl"), "--training.steps=4", "--checkpoint.initial_load_path=" + seed);
        assertArrayEquals(TinyRuns.bits(plain, "loss"), TinyRuns.bits(fromSeed, "loss"), "checkpointing changes no number");
        List<JsonNode> resumed = TinyRuns.train(dir.resolve("b.jsonl"),
                with(null, folder, "--checkpoint.initial_load_path=" + seed, "--checkpoint.load_step=2", "--checkpoint.load_only"));
        assertArrayEquals(TinyRuns.bits(fromSeed.subList(2, 4), "loss"), TinyRuns.bits(resumed, "loss"));
    }

    @Test
    void badCheckpointsAreOneClearLineExitTwoAndNothingIsOverwritten() throws Exception {
        Path folder = dir.resolve("ckpt");
        TinyRuns.train(dir.resolve("a.jsonl"), with(null, folder));
        Map<String, String> before = contents(folder);

        assertBadInput("--checkpoint.load_step=3 but " + folder.resolve("step-3") + " does not exist (checkpoints in "
                + folder + ": step-2, step-4)", with(null, folder, "--checkpoint.load_step=3"));
        assertBadInput("was written with another config: optimizer.lr 8.0E-4 there, 0.001 here",
                with(null, folder, "--optimizer.lr=1e-3"));
        assertBadInput("was written with another config: training.steps 4 there, 5 here", with(null, folder, "--training.steps=5"));
        assertBadInput("is of llama3 debugmodel, this run trains llama3 debugmodel_flex_attn",
                with(null, folder, "--model.flavor=debugmodel_flex_attn"));
        assertEquals(before, contents(folder), "a refused resume writes nothing into the folder");

        // A truncated state file, then one with a flipped byte: the manifest's size and checksum catch them.
        Path state = folder.resolve("step-4/state.safetensors");
        byte[] good = Files.readAllBytes(state);
        try (FileChannel ch = FileChannel.open(state, StandardOpenOption.WRITE)) {
            ch.truncate(good.length / 2);
        }
        assertBadInput("checkpoint " + folder.resolve("step-4") + " is damaged: state.safetensors has " + good.length / 2
                + " bytes, its manifest says " + good.length + " (truncated?)", with(null, folder));
        byte[] flipped = good.clone();
        flipped[good.length - 3] ^= 1;
        Files.write(state, flipped);
        assertBadInput("is damaged: the SHA-256 of state.safetensors differs from its manifest's", with(null, folder));
        assertFalse(Files.exists(dir.resolve("x.jsonl")), "no metrics file was started");

        // A step folder without a manifest (what a half-copied folder looks like) is never taken for the latest...
        Files.write(state, good);
        Files.createDirectories(folder.resolve("step-6"));
        Files.write(folder.resolve("step-6/state.safetensors"), good);
        List<JsonNode> latest = TinyRuns.train(dir.resolve("l.jsonl"), with(null, folder, "--checkpoint.load_only"));
        assertTrue(latest.isEmpty(), "resumed from step-4, the latest complete one");
        // ...and asked for by name it is refused.
        assertBadInput(folder.resolve("step-6") + " is not a complete checkpoint (no manifest.json)",
                with(null, folder, "--checkpoint.load_step=6"));
    }

    private void assertBadInput(String expected, String... overrides) {
        ConfigException e = assertThrows(ConfigException.class, () -> TinyRuns.train(dir.resolve("x.jsonl"), overrides));
        assertTrue(e.getMessage().contains(expected), e.getMessage());
        assertFalse(e.getMessage().contains("\n"), "one line");
        List<String> args = new ArrayList<>(List.of("--config=" + TinyRuns.LLAMA3_CONFIG, "--training.seq_len=32",
                "--training.local_batch_size=2", "--training.num_threads=1", "--metrics.path=" + dir.resolve("x.jsonl")));
        args.addAll(Arrays.asList(overrides));
        PrintStream err = System.err;
        try {
            System.setErr(new PrintStream(new ByteArrayOutputStream()));
            assertEquals(2, Main.run(args.toArray(String[]::new)));
        } finally {
            System.setErr(err);
        }
    }

    private static List<String> listing(Path folder) throws IOException {
        try (Stream<Path> s = Files.list(folder)) {
            return s.map(p -> p.getFileName().toString()).sorted().toList();
        }
    }

    /** Every file under the folder with its size and modification time. */
    private static Map<String, String> contents(Path folder) throws IOException {
        Map<String, String> out = new TreeMap<>();
        try (Stream<Path> s = Files.walk(folder)) {
            for (Path p : s.toList()) {
                out.put(folder.relativize(p).toString(), Files.isDirectory(p) ? "dir"
                        : Files.size(p) + "@" + Files.getLastModifiedTime(p).toMillis());
            }
        }
        return out;
    }
}
