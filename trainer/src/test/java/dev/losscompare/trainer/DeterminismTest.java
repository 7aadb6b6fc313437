package dev.losscompare.trainer;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DeterminismTest {
    @TempDir Path dir;

    @Test
    void sameSeedGivesBitwiseIdenticalLossAndGradNorm() throws Exception {
        List<JsonNode> a = TinyRuns.train(dir.resolve("a.jsonl"));
        List<JsonNode> b = TinyRuns.train(dir.resolve("b.jsonl"));
        assertEquals(3, a.size());
        assertArrayEquals(TinyRuns.bits(a, "loss"), TinyRuns.bits(b, "loss"));
        assertArrayEquals(TinyRuns.bits(a, "grad_norm"), TinyRuns.bits(b, "grad_norm"));
        for (int i = 0; i < a.size(); i++) {
            assertEquals(a.get(i).get("data_fingerprint").asText(), b.get(i).get("data_fingerprint").asText());
        }
    }

    @Test
    void differentSeedsGiveDifferentLosses() throws Exception {
        List<JsonNode> a = TinyRuns.train(dir.resolve("a.jsonl"), "--debug.seed=1");
        List<JsonNode> b = TinyRuns.train(dir.resolve("b.jsonl"), "--debug.seed=2");
        assertFalse(Arrays.equals(TinyRuns.bits(a, "loss"), TinyRuns.bits(b, "loss")));
        // Same data either way: the seed changes the model, not the input stream.
        assertEquals(a.get(0).get("data_fingerprint").asText(), b.get(0).get("data_fingerprint").asText());
    }

    @Test
    void twoThreadsAreAsReproducibleAsOne() throws Exception {
        List<JsonNode> a = TinyRuns.train(dir.resolve("a.jsonl"), "--training.num_threads=2");
        List<JsonNode> b = TinyRuns.train(dir.resolve("b.jsonl"), "--training.num_threads=2");
        assertArrayEquals(TinyRuns.bits(a, "loss"), TinyRuns.bits(b, "loss"));
        assertArrayEquals(TinyRuns.bits(a, "grad_norm"), TinyRuns.bits(b, "grad_norm"));
    }

    @Test
    void lossFallsOverTrainingSteps() throws Exception {
        double[] loss = TinyRuns.series(TinyRuns.train(dir.resolve("l.jsonl"), "--training.steps=30"), "loss");
        double firstThree = (loss[0] + loss[1] + loss[2]) / 3, lastThree = (loss[27] + loss[28] + loss[29]) / 3;
        assertTrue(lastThree < firstThree - 1.0, "loss should fall clearly: " + firstThree + " -> " + lastThree);
        assertNotEquals(loss[0], loss[29]);
    }
}
