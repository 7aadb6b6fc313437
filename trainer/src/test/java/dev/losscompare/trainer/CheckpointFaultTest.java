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
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Checkpoints as users run them, through trainer/run_train.sh: a SIGKILL in the middle of a
 * checkpoint write, and two ranks (the same rank count resumes bitwise; another is refused).
 */
class CheckpointFaultTest {
    @TempDir Path dir;

    private static String[] tiny(String config, Path metrics, Path folder, String... extra) {
        List<String> args = new ArrayList<>(List.of("--config=" + config, "--training.steps=4", "--training.seq_len=32",
                "--training.num_threads=1", "--training.local_batch_size=1", "--metrics.path=" + metrics,
                "--checkpoint.enable", "--checkpoint.folder=" + folder, "--checkpoint.interval=2"));
        args.addAll(Arrays.asList(extra));
        return args.toArray(String[]::new);
    }

    private static List<String> listing(Path folder) throws Exception {
        try (Stream<Path> s = Files.list(folder)) {
            return s.map(p -> p.getFileName().toString()).sorted().toList();
        }
    }

    private static void assertSameSteps(List<JsonNode> expected, List<JsonNode> actual) {
        assertEquals(expected.stream().map(r -> r.get("step").intValue()).toList(), actual.stream().map(r -> r.get("step").intValue()).toList());
        for (String metric : List.of("loss", "grad_norm", "lr")) {
            assertArrayEquals(TinyRuns.bits(expected, metric), TinyRuns.bits(actual, metric), metric);
        }
    }

    @Test
    void aSigkillDuringACheckpointWriteLeavesThePreviousOneAndTheRunResumesFromItWithTheSameNumbers() throws Exception {
        Path folder = dir.resolve("ckpt"), killed = dir.resolve("killed.jsonl");
        try (LaunchedRun run = new LaunchedRun(Map.of("LOSS_COMPARE_FAULT_CHECKPOINT_STEP", "4"),
                tiny("configs/llama3_debug.toml", killed, folder))) {
            run.awaitOutput("fault injected: writing checkpoint step-4 paused halfway", 300);
            run.killLauncher(); // run_train.sh execs the JVM: this is SIGKILL to the writer itself
        }
        List<String> left = listing(folder);
        assertTrue(left.contains("step-2"), left.toString());
        assertFalse(left.contains("step-4"), "no step folder for the interrupted write: " + left);
        assertTrue(left.stream().anyMatch(n -> n.startsWith(".step-4.tmp-")), "the half-written temp folder: " + left);
        // The killed run had logged steps 1-4 before writing step-4: they are the continuous reference.
        List<JsonNode> continuous = TinyRuns.steps(killed);
        assertEquals(4, continuous.size());

        Path resumedMetrics = dir.resolve("resumed.jsonl");
        try (LaunchedRun resumed = new LaunchedRun(Map.of(), tiny("configs/llama3_debug.toml", resumedMetrics, folder))) {
            assertEquals(0, resumed.waitFor(300), resumed.stdout() + resumed.stderrLines());
            assertTrue(resumed.stdout().contains("resumed from checkpoint " + folder.resolve("step-2") + " (step 2)"), resumed.stdout());
        }
        assertSameSteps(continuous.subList(2, 4), TinyRuns.steps(resumedMetrics));
        assertEquals(List.of("step-2", "step-4"), listing(folder), "the dead writer's temp folder is swept");
    }

    @Test
    void twoRanksResumeBitwiseAndAnotherRankCountIsRefused() throws Exception {
        Path folder = dir.resolve("ckpt2");
        String llama4 = "configs/llama4_debug.toml";
        try (LaunchedRun run = new LaunchedRun(Map.of("NGPU", "2"), tiny(llama4, dir.resolve("two.jsonl"), folder))) {
            assertEquals(0, run.waitFor(300), run.stdout() + run.stderrLines());
        }
        try (LaunchedRun resumed = new LaunchedRun(Map.of("NGPU", "2"),
                tiny(llama4, dir.resolve("two-resumed.jsonl"), folder, "--checkpoint.load_step=2", "--checkpoint.load_only"))) {
            assertEquals(0, resumed.waitFor(300), resumed.stdout() + resumed.stderrLines());
        }
        assertSameSteps(TinyRuns.steps(dir.resolve("two.jsonl")).subList(2, 4), TinyRuns.steps(dir.resolve("two-resumed.jsonl")));

        // One rank with the same global batch would not continue bitwise (another reduction order): exit 2, one line.
        try (LaunchedRun one = new LaunchedRun(Map.of(), tiny(llama4, dir.resolve("one.jsonl"), folder,
                "--checkpoint.load_step=2", "--training.local_batch_size=2"))) {
            assertEquals(2, one.waitFor(300), one.stdout() + one.stderrLines());
            List<String> err = one.stderrLines();
            assertEquals(1, err.size(), err.toString());
            assertTrue(err.get(0).startsWith("error: checkpoint " + folder.resolve("step-2") + " was written with another config: "
                    + "training.local_batch_size 1 there, 2 here"), err.toString());
        }
        try (LaunchedRun one = new LaunchedRun(Map.of(), tiny(llama4, dir.resolve("one.jsonl"), folder, "--checkpoint.load_step=2"))) {
            assertEquals(2, one.waitFor(300), one.stdout() + one.stderrLines());
            assertEquals(List.of("error: checkpoint " + folder.resolve("step-2") + " was written by 2 rank(s), this run has 1: resume"
                    + " with NGPU=2 (another rank count reduces gradients in another order, so it would not continue the run"
                    + " exactly)"), one.stderrLines());
        }
        assertFalse(Files.exists(dir.resolve("one.jsonl")), "a refused resume writes no metrics");
    }
}
