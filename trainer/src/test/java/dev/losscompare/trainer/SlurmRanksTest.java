package dev.losscompare.trainer;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Ranks started by a real srun (no launcher of ours) train the bits our launcher's ranks train. */
class SlurmRanksTest {
    @TempDir Path dir;

    private static String[] tiny(Path metrics) {
        return new String[] {"--config=configs/llama4_debug.toml", "--training.steps=3", "--training.seq_len=32",
            "--training.num_threads=1", "--training.local_batch_size=1", "--metrics.path=" + metrics};
    }

    @Test
    void twoRanksStartedBySrunEqualTheLaunchersTwoRanksBitwise() throws Exception {
        SlurmCluster.require();
        Path launched = dir.resolve("launcher.jsonl"), srun = dir.resolve("srun.jsonl");
        try (LaunchedRun run = new LaunchedRun(Map.of("NGPU", "2"), tiny(launched))) {
            assertEquals(0, run.waitFor(300), run.stdout() + run.stderrLines());
        }
        try (LaunchedRun run = new LaunchedRun(List.of("srun", "--ntasks=2", "--kill-on-bad-exit=1", "--time=10", "--label"),
                Map.of(), tiny(srun))) {
            assertEquals(0, run.waitFor(600), run.stdout() + run.stderrLines());
            // Both tasks trained: srun's label marks task 1's lines.
            assertTrue(run.stdout().lines().anyMatch(l -> l.matches("1: step: 3 {2}loss: .*")), run.stdout());
        }
        List<JsonNode> a = TinyRuns.steps(launched), b = TinyRuns.steps(srun);
        assertEquals(3, b.size());
        for (String metric : List.of("loss", "grad_norm")) assertArrayEquals(TinyRuns.bits(a, metric), TinyRuns.bits(b, metric), metric);
        assertEquals(a.stream().map(r -> r.get("data_fingerprint").asText()).toList(),
                b.stream().map(r -> r.get("data_fingerprint").asText()).toList());
        JsonNode meta = TinyRuns.JSON.readTree(Files.readAllLines(srun).get(0)).get("meta");
        assertEquals(2, meta.get("world_size").asInt(), meta.toString());
    }
}
