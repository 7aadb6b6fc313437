package dev.losscompare.trainer;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Data parallelism as users run it: NGPU=2 trainer/run_train.sh starts two ranks (JVMs). Tiny
 * shapes; every run is closed (killed if still alive), and failure tests check that no process
 * the run started is left.
 */
class MultiRankTest {
    /**
     * How close one rank and two ranks on the same global batch must be: float32 rounding of a
     * reduction in another order. Measured over 100 steps: llama4 at most 2.4e-7 relative
     * (README, "Reproducibility across rank counts"); rtol 1e-5 leaves a 40x margin. (The harness
     * judges configs/parity.toml against its calibrated envelopes instead; this checks the
     * trainer's data-parallel arithmetic on its own.)
     */
    static final double ATOL = 1e-6, RTOL = 1e-5;

    @TempDir static Path dir;
    private static List<JsonNode> twoRanks, twoRanksAgain, oneRank;

    private static String[] tiny(Path metrics, int localBatch, String... extra) {
        List<String> args = new ArrayList<>(List.of("--config=configs/llama4_debug.toml", "--training.steps=3",
                "--training.seq_len=32", "--training.num_threads=1", "--training.local_batch_size=" + localBatch,
                "--metrics.path=" + metrics));
        args.addAll(Arrays.asList(extra));
        return args.toArray(String[]::new);
    }

    private static String finish(LaunchedRun run) throws InterruptedException {
        int exit = run.waitFor(300);
        assertEquals(0, exit, run.stdout() + run.stderrLines());
        return run.stdout();
    }

    /** llama4 (MoE, so the load-balancing counts are all-reduced too): two ranks twice, one rank with their global batch. */
    @BeforeAll
    static void train() throws Exception {
        Path twoDump = dir.resolve("dump2"), oneDump = dir.resolve("dump1");
        try (LaunchedRun a = new LaunchedRun(Map.of("NGPU", "2", "LOSS_COMPARE_DUMP_BATCHES", twoDump.toString()),
                tiny(dir.resolve("two.jsonl"), 1))) {
            String out = finish(a);
            assertTrue(out.contains("[rank1] step: 3  loss: "), out);
            assertTrue(out.lines().anyMatch(l -> l.startsWith("step: 3  loss: ")), out);
        }
        try (LaunchedRun b = new LaunchedRun(Map.of("NGPU", "2"), tiny(dir.resolve("again.jsonl"), 1))) {
            finish(b);
        }
        try (LaunchedRun c = new LaunchedRun(Map.of("LOSS_COMPARE_DUMP_BATCHES", oneDump.toString()),
                tiny(dir.resolve("one.jsonl"), 2))) {
            finish(c);
        }
        twoRanks = TinyRuns.steps(dir.resolve("two.jsonl"));
        twoRanksAgain = TinyRuns.steps(dir.resolve("again.jsonl"));
        oneRank = TinyRuns.steps(dir.resolve("one.jsonl"));
    }

    @Test
    void twoRanksTwiceGiveTheSameBits() {
        assertEquals(3, twoRanks.size());
        assertArrayEquals(TinyRuns.bits(twoRanks, "loss"), TinyRuns.bits(twoRanksAgain, "loss"));
        assertArrayEquals(TinyRuns.bits(twoRanks, "grad_norm"), TinyRuns.bits(twoRanksAgain, "grad_norm"));
    }

    @Test
    void twoRanksMatchOneRankWithTheirGlobalBatchWithinTolerance() throws Exception {
        // Same inputs: the metrics' fingerprint is the global batch's.
        assertEquals(twoRanks.stream().map(r -> r.get("data_fingerprint").asText()).toList(),
                oneRank.stream().map(r -> r.get("data_fingerprint").asText()).toList());
        assertEquals(oneRank.stream().map(r -> r.get("tokens").asLong()).toList(),
                twoRanks.stream().map(r -> r.get("tokens").asLong()).toList());
        for (String metric : List.of("loss", "grad_norm")) {
            double[] one = TinyRuns.series(oneRank, metric), two = TinyRuns.series(twoRanks, metric);
            for (int i = 0; i < one.length; i++) {
                assertTrue(Math.abs(two[i] - one[i]) <= ATOL + RTOL * Math.abs(one[i]),
                        metric + " step " + (i + 1) + ": one rank " + one[i] + ", two ranks " + two[i]);
            }
        }
        JsonNode meta = TinyRuns.JSON.readTree(Files.readAllLines(dir.resolve("two.jsonl")).get(0)).get("meta");
        assertEquals(2, meta.get("world_size").asInt());
        assertEquals(2, meta.get("global_batch_size").asInt());
        assertEquals(1, meta.get("local_batch_size").asInt());
    }

    @Test
    void theRanksRowsTogetherAreTheOneRankBatch() throws Exception {
        List<JsonNode> rank0 = dump(dir.resolve("dump2/rank0.jsonl")), rank1 = dump(dir.resolve("dump2/rank1.jsonl"));
        List<JsonNode> single = dump(dir.resolve("dump1/rank0.jsonl"));
        assertEquals(3, single.size());
        for (int step = 0; step < 3; step++) {
            JsonNode all = single.get(step).get("inputs");
            assertEquals(2, all.size());
            assertEquals(1, rank0.get(step).get("inputs").size());
            assertEquals(all.get(0), rank0.get(step).get("inputs").get(0), "step " + (step + 1) + " rank 0");
            assertEquals(all.get(1), rank1.get(step).get("inputs").get(0), "step " + (step + 1) + " rank 1");
            assertFalse(all.get(0).equals(all.get(1)));
        }
    }

    private static List<JsonNode> dump(Path file) throws Exception {
        List<JsonNode> rows = new ArrayList<>();
        for (String line : Files.readAllLines(file)) rows.add(TinyRuns.JSON.readTree(line));
        return rows;
    }

    @Test
    void aRankThatCrashesStopsEveryProcessAndIsNamed() throws Exception {
        try (LaunchedRun run = new LaunchedRun(Map.of("NGPU", "2", "LOSS_COMPARE_FAULT_RANK", "1",
                "LOSS_COMPARE_FAULT_STEP", "2"), tiny(dir.resolve("crash.jsonl"), 1, "--training.steps=50"))) {
            run.awaitDescendants(2, 120);
            int exit = run.waitFor(300);
            assertEquals(1, exit, run.stdout() + run.stderrLines());
            List<String> err = run.stderrLines();
            String last = err.get(err.size() - 1);
            assertTrue(last.startsWith("error: rank 1 exited with code 1"), last);
            assertTrue(last.contains("fault injected"), last);
            assertEquals(List.of(), run.leftovers());
            assertFalse(run.stdout().contains("step: 2 "), "rank 0 cannot finish step 2 without rank 1: " + run.stdout());
        }
    }

    @Test
    void killingARankMidRunLeavesNoProcess() throws Exception {
        try (LaunchedRun run = new LaunchedRun(Map.of("NGPU", "2"), tiny(dir.resolve("kill.jsonl"), 1, "--training.steps=1000"))) {
            run.awaitOutput("[rank1] step: 1  loss:", 180);
            ProcessHandle rank1 = run.descendants().stream()
                    .filter(h -> environ(h).contains("RANK=1")).findFirst().orElseThrow();
            rank1.destroyForcibly();
            int exit = run.waitFor(120);
            assertEquals(137, exit, run.stderrLines().toString());
            String last = run.stderrLines().get(run.stderrLines().size() - 1);
            assertTrue(last.startsWith("error: rank 1 exited with code 137 (killed by signal 9)"), last);
            assertEquals(List.of(), run.leftovers());
        }
    }

    @Test
    void ranksStopThemselvesWhenTheLauncherIsKilled() throws Exception {
        try (LaunchedRun run = new LaunchedRun(Map.of("NGPU", "2"), tiny(dir.resolve("orphan.jsonl"), 1, "--training.steps=1000"))) {
            run.awaitOutput("[rank1] step: 1  loss:", 180);
            List<ProcessHandle> ranks = run.descendants();
            assertEquals(2, ranks.size(), ranks.toString());
            run.killLauncher(); // SIGKILL: no shutdown hook runs, the ranks must notice on their own
            for (ProcessHandle rank : ranks) rank.onExit().get(30, java.util.concurrent.TimeUnit.SECONDS);
            assertEquals(List.of(), run.leftovers());
        }
    }

    private static String environ(ProcessHandle h) {
        try {
            return "\n" + Files.readString(Path.of("/proc/" + h.pid() + "/environ")).replace('\0', '\n');
        } catch (Exception e) {
            return "";
        }
    }

    @Test
    void aMasterPortInUseIsOneClearLine() throws Exception {
        try (java.net.ServerSocket busy = new java.net.ServerSocket(0)) {
            String port = Integer.toString(busy.getLocalPort());
            // Through the launcher: checked before any rank starts.
            try (LaunchedRun run = new LaunchedRun(Map.of("NGPU", "2", "MASTER_PORT", port), tiny(dir.resolve("p.jsonl"), 1))) {
                assertEquals(2, run.waitFor(120));
                assertEquals(1, run.stderrLines().size(), run.stderrLines().toString());
                assertTrue(run.stderrLines().get(0).startsWith("error: MASTER_PORT " + port + " is already in use"),
                        run.stderrLines().get(0));
                assertEquals(List.of(), run.leftovers());
            }
            // A rank started by another launcher (RANK set): rank 0's TCPStore cannot listen.
            try (LaunchedRun run = new LaunchedRun(Map.of("RANK", "0", "WORLD_SIZE", "2", "MASTER_ADDR", "127.0.0.1",
                    "MASTER_PORT", port), tiny(dir.resolve("p0.jsonl"), 1))) {
                assertEquals(2, run.waitFor(120));
                List<String> err = run.stderrLines();
                assertTrue(err.get(err.size() - 1).startsWith("error: MASTER_PORT " + port + " is already in use"), err.toString());
            }
        }
    }

    @Test
    void aRendezvousThatDoesNotCompleteIsOneClearLine() throws Exception {
        int port;
        try (java.net.ServerSocket free = new java.net.ServerSocket(0)) {
            port = free.getLocalPort();
        }
        try (LaunchedRun run = new LaunchedRun(Map.of("RANK", "0", "WORLD_SIZE", "2", "MASTER_ADDR", "127.0.0.1",
                "MASTER_PORT", Integer.toString(port)), tiny(dir.resolve("r.jsonl"), 1, "--comm.init_timeout_seconds=2"))) {
            assertEquals(1, run.waitFor(120));
            List<String> err = run.stderrLines();
            String last = err.get(err.size() - 1);
            assertTrue(last.startsWith("error: rendezvous at 127.0.0.1:" + port + " did not complete within 2 s: 1 of 2 ranks joined"), last);
        }
    }
}
