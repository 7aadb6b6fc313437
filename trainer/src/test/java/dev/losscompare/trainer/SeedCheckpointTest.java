package dev.losscompare.trainer;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.losscompare.trainer.config.ConfigException;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import dev.losscompare.trainer.train.Trainer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SeedCheckpointTest {
    @TempDir Path dir;

    private void createSeedCheckpoint(Path file, String... extra) throws Exception {
        String[] args = new String[extra.length + 2];
        args[0] = "--checkpoint.create_seed_checkpoint";
        args[1] = "--checkpoint.path=" + file;
        System.arraycopy(extra, 0, args, 2, extra.length);
        new Trainer(TinyRuns.config(dir.resolve("unused.jsonl"), args), new PrintStream(new ByteArrayOutputStream())).run();
    }

    @Test
    void roundTripGivesIdenticalFirstStepLossEvenUnderAnotherSeed() throws Exception {
        Path ckpt = dir.resolve("seed.safetensors");
        createSeedCheckpoint(ckpt, "--debug.seed=11");
        assertTrue(Files.size(ckpt) > 4 * 5_000_000L, "all ~5M fp32 parameters are in the file");
        assertFalse(Files.exists(dir.resolve("unused.jsonl")), "creating a seed checkpoint trains nothing");

        List<JsonNode> original = TinyRuns.train(dir.resolve("a.jsonl"), "--debug.seed=11", "--training.steps=1");
        Path ownInit = dir.resolve("own.safetensors");
        List<JsonNode> loaded = TinyRuns.train(dir.resolve("b.jsonl"), "--debug.seed=99", "--training.steps=1",
                "--checkpoint.initial_load_path=" + ckpt, "--checkpoint.own_init_path=" + ownInit);
        // Without its own initialization to write, the run only draws its initialization (Init.drawsOnly).
        List<JsonNode> loadedOnly = TinyRuns.train(dir.resolve("d.jsonl"), "--debug.seed=99", "--training.steps=1",
                "--checkpoint.initial_load_path=" + ckpt);
        List<JsonNode> notLoaded = TinyRuns.train(dir.resolve("c.jsonl"), "--debug.seed=99", "--training.steps=1");
        for (List<JsonNode> run : List.of(loaded, loadedOnly)) {
            assertArrayEquals(TinyRuns.bits(original, "loss"), TinyRuns.bits(run, "loss"));
            assertArrayEquals(TinyRuns.bits(original, "grad_norm"), TinyRuns.bits(run, "grad_norm"));
        }
        assertFalse(Arrays.equals(TinyRuns.bits(original, "loss"), TinyRuns.bits(notLoaded, "loss")));

        // The run's own initialization, written before the load: the very bytes its seed checkpoint would be (the
        // harness keeps it as that seed checkpoint in its result cache).
        Path own99 = dir.resolve("seed99.safetensors");
        createSeedCheckpoint(own99, "--debug.seed=99");
        assertArrayEquals(Files.readAllBytes(own99), Files.readAllBytes(ownInit));
        ConfigException alone = assertThrows(ConfigException.class,
                () -> TinyRuns.train(dir.resolve("x.jsonl"), "--checkpoint.own_init_path=" + ownInit));
        assertTrue(alone.getMessage().startsWith("checkpoint.own_init_path needs checkpoint.initial_load_path"), alone.getMessage());
    }

    @Test
    void headerNamesParametersLikeTorchtitan() throws Exception {
        Path ckpt = dir.resolve("seed.safetensors");
        createSeedCheckpoint(ckpt);
        ByteBuffer buf = ByteBuffer.wrap(Files.readAllBytes(ckpt)).order(ByteOrder.LITTLE_ENDIAN);
        byte[] header = new byte[(int) buf.getLong()];
        buf.get(header);
        JsonNode h = TinyRuns.JSON.readTree(header);
        assertEquals("F32", h.get("layers.0.attention.wq.weight").get("dtype").asText());
        assertEquals("[256,256]", h.get("layers.0.attention.wq.weight").get("shape").toString());
        assertTrue(h.has("tok_embeddings.weight") && h.has("output.weight") && h.has("layers.5.feed_forward.w3.weight"));
    }

    @Test
    void checkpointOfAnotherModelIsRejectedWithTheNamesThatDoNotFit() throws Exception {
        // A hand-made safetensors file with one known and one foreign name.
        Path other = dir.resolve("other.safetensors");
        String header = "{\"layers.0.attention.wq.weight\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[0,4]},"
                + "\"extra.weight\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[4,8]}}";
        ByteBuffer out = ByteBuffer.allocate(8 + header.length() + 8).order(ByteOrder.LITTLE_ENDIAN);
        out.putLong(header.length()).put(header.getBytes()).putFloat(1f).putFloat(2f);
        Files.write(other, out.array());
        ConfigException e = assertThrows(ConfigException.class,
                () -> TinyRuns.train(dir.resolve("x.jsonl"), "--checkpoint.initial_load_path=" + other));
        assertTrue(e.getMessage().contains("missing [") && e.getMessage().contains("tok_embeddings.weight"), e.getMessage());
        assertTrue(e.getMessage().contains("unexpected [extra.weight]"), e.getMessage());
    }

    @Test
    void unreadableCheckpointIsAClearError() throws Exception {
        Path garbage = dir.resolve("garbage.safetensors");
        Files.writeString(garbage, "not a checkpoint");
        ConfigException e = assertThrows(ConfigException.class,
                () -> TinyRuns.train(dir.resolve("x.jsonl"), "--checkpoint.initial_load_path=" + garbage));
        assertTrue(e.getMessage().startsWith("cannot read checkpoint"), e.getMessage());
        ConfigException missing = assertThrows(ConfigException.class,
                () -> TinyRuns.train(dir.resolve("x.jsonl"), "--checkpoint.initial_load_path=" + dir.resolve("nope")));
        assertTrue(missing.getMessage().startsWith("cannot read checkpoint"), missing.getMessage());
    }
}
