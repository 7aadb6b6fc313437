package dev.losscompare.trainer;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.losscompare.tbevents.EventFileReader;
import dev.losscompare.tbevents.ScalarEvents;
import dev.losscompare.trainer.config.ConfigException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.NavigableMap;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The trainer's TensorBoard event files hold the same numbers as its metrics file, bit for bit. */
class TensorBoardOutputTest {
    @TempDir Path dir;

    @Test
    void eventFilesEqualTheMetricsFileBitForBit() throws IOException {
        Path tb = dir.resolve("tb");
        List<JsonNode> rows = TinyRuns.train(dir.resolve("m.jsonl"), "--training.local_batch_size=1",
                "--metrics.enable_tensorboard", "--metrics.save_tb_folder=" + tb);
        ScalarEvents events = EventFileReader.read(tb);
        assertEquals(1, events.files().size());
        assertBitsEqual(rows, "loss", events.series("loss_metrics/global_avg_loss"));
        assertBitsEqual(rows, "loss", events.series("loss_metrics/global_max_loss"));
        assertBitsEqual(rows, "grad_norm", events.series("grad_norm"));
        assertBitsEqual(rows, "lr", events.series("lr"));
        // n_tokens_seen is cumulative, as torchtitan's: 1 x 32 tokens per step.
        assertEquals(List.of(32.0, 64.0, 96.0), List.copyOf(events.series("n_tokens_seen").values()));
    }

    @Test
    void stepsFollowLogFreqAndOffWritesNothing() throws IOException {
        Path tb = dir.resolve("tb");
        List<JsonNode> rows = TinyRuns.train(dir.resolve("m.jsonl"), "--training.local_batch_size=1",
                "--metrics.log_freq=2", "--metrics.enable_tensorboard", "--metrics.save_tb_folder=" + tb);
        NavigableMap<Long, Double> loss = EventFileReader.read(tb).series("loss_metrics/global_avg_loss");
        assertEquals(List.of(1L, 2L), List.copyOf(loss.keySet()));
        assertEquals(rows.get(1).get("loss").doubleValue(), loss.get(2L));

        Path off = dir.resolve("off");
        TinyRuns.train(dir.resolve("n.jsonl"), "--training.steps=1", "--metrics.save_tb_folder=" + off);
        assertFalse(Files.exists(off), "tensorboard is off by default (torchtitan's default)");
    }

    @Test
    void enabledWithoutAFolderIsABadInput() {
        ConfigException e = assertThrows(ConfigException.class, () -> TinyRuns.config(dir.resolve("m.jsonl"),
                "--metrics.enable_tensorboard", "--metrics.save_tb_folder="));
        assertTrue(e.getMessage().contains("metrics.save_tb_folder"), e.getMessage());
    }

    private static void assertBitsEqual(List<JsonNode> rows, String metric, NavigableMap<Long, Double> series) {
        assertEquals(List.of(1L, 2L, 3L), List.copyOf(series.keySet()), metric);
        long[] tb = series.values().stream().mapToLong(Double::doubleToRawLongBits).toArray();
        assertArrayEquals(TinyRuns.bits(rows, metric), tb, metric);
    }
}
