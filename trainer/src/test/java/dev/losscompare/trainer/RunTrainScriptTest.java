package dev.losscompare.trainer;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The trainer as users and the harness run it: trainer/run_train.sh in a separate process. */
class RunTrainScriptTest {
    @TempDir Path dir;

    record Result(int exit, String stdout, List<String> stderr) {}

    static Result runTrain(Path cwd, String... args) throws IOException, InterruptedException {
        return runScript("trainer/run_train.sh", Map.of(), cwd, args);
    }

    /** A script of the project (its path from the project root) with extra environment, run to its end. */
    static Result runScript(String script, Map<String, String> env, Path cwd, String... args)
            throws IOException, InterruptedException {
        List<String> command = new ArrayList<>();
        command.add(TinyRuns.PROJECT.resolve(script).toString());
        command.addAll(Arrays.asList(args));
        ProcessBuilder pb = new ProcessBuilder(command).directory(cwd.toFile());
        pb.environment().putAll(env);
        Process p = pb.start();
        p.getOutputStream().close();
        byte[] out = p.getInputStream().readAllBytes();
        byte[] err = p.getErrorStream().readAllBytes();
        assertTrue(p.waitFor(5, TimeUnit.MINUTES));
        String stderr = new String(err, StandardCharsets.UTF_8);
        return new Result(p.exitValue(), new String(out, StandardCharsets.UTF_8),
                stderr.isEmpty() ? List.of() : stderr.lines().toList());
    }

    private Result tiny(String metrics, String... extra) throws Exception {
        List<String> args = new ArrayList<>(List.of("--config=configs/llama3_debug.toml", "--training.steps=5",
                "--training.seq_len=64", "--training.local_batch_size=2", "--metrics.path=" + dir.resolve(metrics)));
        args.addAll(Arrays.asList(extra));
        return runTrain(TinyRuns.PROJECT, args.toArray(String[]::new));
    }

    @Test
    void readmeCommandWritesFiveRowsReproduciblyAndFlexDiffers() throws Exception {
        Result first = tiny("a.jsonl");
        assertEquals(0, first.exit(), String.join("\n", first.stderr()));
        List<JsonNode> a = TinyRuns.steps(dir.resolve("a.jsonl"));
        assertEquals(5, a.size());
        assertEquals(List.of(1, 2, 3, 4, 5), a.stream().map(r -> r.get("step").asInt()).toList());
        assertTrue(first.stdout().contains("step: 5  loss: "), first.stdout());

        String meta = Files.readAllLines(dir.resolve("a.jsonl")).get(0);
        JsonNode m = TinyRuns.JSON.readTree(meta).get("meta");
        assertEquals("llama3", m.get("model").asText());
        assertEquals("cpu", m.get("device").asText());
        assertTrue(m.get("torch_version").asText().startsWith("2."));
        assertTrue(m.get("blas").asText().matches("OpenBLAS 0\\.\\d+\\.\\d+"), meta);   // what an environment change states

        assertEquals(0, tiny("b.jsonl").exit());
        List<JsonNode> b = TinyRuns.steps(dir.resolve("b.jsonl"));
        assertArrayEquals(TinyRuns.bits(a, "loss"), TinyRuns.bits(b, "loss"));
        assertArrayEquals(TinyRuns.bits(a, "grad_norm"), TinyRuns.bits(b, "grad_norm"));

        assertEquals(0, tiny("flex.jsonl", "--model.flavor=debugmodel_flex_attn").exit());
        assertFalse(Arrays.equals(TinyRuns.bits(a, "loss"), TinyRuns.bits(TinyRuns.steps(dir.resolve("flex.jsonl")), "loss")));
    }

    @Test
    void badInputExitsNonZeroWithOneLineOnStderr() throws Exception {
        Result[] bad = {
            runTrain(TinyRuns.PROJECT),
            runTrain(TinyRuns.PROJECT, "--config=configs/nope.toml"),
            tiny("x.jsonl", "--training.steps=0"),
            tiny("x.jsonl", "--model.flavor=nosuch"),
            tiny("x.jsonl", "--training.bogus=1"),
            tiny("x.jsonl", "--checkpoint.initial_load_path=" + dir.resolve("missing.safetensors")),
        };
        for (Result r : bad) {
            assertEquals(2, r.exit(), r.stderr().toString());
            assertEquals(1, r.stderr().size(), "exactly one line: " + r.stderr());
            assertTrue(r.stderr().get(0).startsWith("error: "), r.stderr().get(0));
        }
        Result nan = tiny("nan.jsonl", "--optimizer.lr=1e30", "--lr_scheduler.warmup_steps=0");
        assertEquals(3, nan.exit());
        assertEquals(1, nan.stderr().size(), nan.stderr().toString());
        assertTrue(nan.stderr().get(0).contains("not finite"), nan.stderr().get(0));
    }

    @Test
    void buildOnlyBuildsAndExitsZero() throws Exception {
        Result r = runTrain(dir, "--build-only");
        assertEquals(0, r.exit(), r.stderr().toString());
        assertTrue(Files.isRegularFile(TinyRuns.PROJECT.resolve("trainer/target/trainer.jar")));
        assertTrue(Files.isRegularFile(TinyRuns.PROJECT.resolve("trainer/target/build.stamp")));
    }
}
