package dev.losscompare.trainer;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * run_train.sh's speed settings (allocator, OpenBLAS thread timeout) and the benchmark, run as
 * users run them: they change speed, never a number.
 */
class SpeedSettingsTest {
    @TempDir Path dir;

    record Result(int exit, String stdout, String stderr) {}

    private static Result run(Map<String, String> env, String... args) throws Exception {
        List<String> command = new ArrayList<>(List.of(TinyRuns.PROJECT.resolve("trainer/run_train.sh").toString()));
        command.addAll(List.of(args));
        ProcessBuilder pb = new ProcessBuilder(command).directory(TinyRuns.PROJECT.toFile());
        pb.environment().remove("LOSS_COMPARE_ALLOCATOR");
        pb.environment().putAll(env);
        Process p = pb.start();
        p.getOutputStream().close();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        String err = new String(p.getErrorStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(5, TimeUnit.MINUTES));
        return new Result(p.exitValue(), out, err);
    }

    private Result tiny(Map<String, String> env, String metrics) throws Exception {
        return run(env, "--config=configs/llama3_debug.toml", "--training.steps=3", "--training.seq_len=32",
                "--training.local_batch_size=2", "--training.num_threads=2", "--metrics.path=" + dir.resolve(metrics));
    }

    private String allocatorOf(String metrics) throws Exception {
        return TinyRuns.JSON.readTree(Files.readAllLines(dir.resolve(metrics)).get(0)).get("meta").get("allocator").asText();
    }

    private static boolean jemallocInstalled() throws Exception {
        Process p = new ProcessBuilder("bash", "-c", "/sbin/ldconfig -p | grep -q 'libjemalloc\\.so\\.2'").start();
        return p.waitFor() == 0;
    }

    @Test
    void everyAllocatorAndThreadTimeoutGivesTheSameBitsAndTheMetaSaysWhichAllocatorRan() throws Exception {
        Result auto = tiny(Map.of(), "auto.jsonl");
        assertEquals(0, auto.exit(), auto.stderr());
        assertEquals(jemallocInstalled() ? "jemalloc" : "glibc", allocatorOf("auto.jsonl"));

        // glibc as it is, and OpenBLAS's own default timeout (2^28 cycles): the settings before this change.
        Result plain = tiny(Map.of("LOSS_COMPARE_ALLOCATOR", "glibc", "OPENBLAS_THREAD_TIMEOUT", "28"), "plain.jsonl");
        assertEquals(0, plain.exit(), plain.stderr());
        assertEquals("glibc", allocatorOf("plain.jsonl"));

        List<JsonNode> a = TinyRuns.steps(dir.resolve("auto.jsonl")), b = TinyRuns.steps(dir.resolve("plain.jsonl"));
        assertEquals(3, a.size());
        assertArrayEquals(TinyRuns.bits(a, "loss"), TinyRuns.bits(b, "loss"));
        assertArrayEquals(TinyRuns.bits(a, "grad_norm"), TinyRuns.bits(b, "grad_norm"));
    }

    @Test
    void anUnknownAllocatorIsOneLineAndExitTwo() throws Exception {
        Result r = tiny(Map.of("LOSS_COMPARE_ALLOCATOR", "tcmalloc"), "x.jsonl");
        assertEquals(2, r.exit());
        assertEquals(1, r.stderr().lines().count(), r.stderr());
        assertTrue(r.stderr().contains("LOSS_COMPARE_ALLOCATOR=tcmalloc is not one of auto, jemalloc, glibc"), r.stderr());
    }

    @Test
    void benchmarkRunsEverySuiteCaseAndProfiles() throws Exception {
        Path suite = dir.resolve("suite.toml");
        Files.writeString(suite, """
                [[case]]
                name = "tiny_llama3"
                config = "configs/llama3_debug.toml"

                [[case]]
                name = "tiny_deepseek"
                config = "configs/deepseek_v3_debug.toml"
                options = ["--model.flavor=debugmodel_flex_attn"]
                """);
        Result r = run(Map.of(), "--benchmark", "--suite=" + suite, "--profile", "--training.steps=5",
                "--training.seq_len=32", "--training.local_batch_size=1", "--training.num_threads=1");
        assertEquals(0, r.exit(), r.stderr());
        String out = r.stdout();
        assertTrue(out.contains("benchmark: threads 1 (OpenBLAS 1), blas "), out);
        assertTrue(out.contains("allocator " + (jemallocInstalled() ? "jemalloc" : "glibc")), out);
        assertTrue(out.lines().anyMatch(l -> l.startsWith("tiny_llama3 ") && l.contains("llama3 debugmodel") && l.contains("32 x 1")), out);
        assertTrue(out.lines().anyMatch(l -> l.startsWith("tiny_deepseek ") && l.contains("deepseek_v3 debugmodel_flex_attn")), out);
        assertTrue(out.contains("profile tiny_llama3: wall ms per step (mean of 2 steps)"), out);
        assertTrue(out.contains("forward: feed_forward"), out);
        assertTrue(out.contains("forward: moe"), out);
        assertTrue(out.contains("backward"), out);
    }
}
