package dev.losscompare.trainer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.losscompare.trainer.config.ConfigLoader;
import dev.losscompare.trainer.train.Trainer;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The trainer against an independent plain-PyTorch implementation (trainer/reference/reference.py,
 * written from torchtitan's model code): same seed checkpoint, same dumped batches, 5 steps in
 * fp32. Step 1 must agree within 1e-5 relative, steps 2-5 within 1e-4.
 */
class ReferenceCrossCheckTest {
    static final Path REFERENCE = TinyRuns.PROJECT.resolve("trainer/reference/reference.py");
    static final int STEPS = 5;
    @TempDir Path dir;

    @ParameterizedTest(name = "{0} {1}")
    @CsvSource({
        "llama3, debugmodel", "llama3, debugmodel_flex_attn",
        "llama4, debugmodel", "llama4, debugmodel_irope",
        "deepseek_v3, debugmodel", "deepseek_v3, debugmodel_flex_attn"})
    void trainerMatchesTheReference(String model, String flavor) throws Exception {
        PythonTorch.assumeInstalled();
        Path config = TinyRuns.PROJECT.resolve("configs/" + model + "_debug.toml");
        List<String> shape = List.of("--model.flavor=" + flavor, "--training.seq_len=64", "--training.local_batch_size=2",
                "--training.num_threads=1", "--training.steps=" + STEPS, "--training.mixed_precision_param=float32");
        Path seed = dir.resolve("seed.safetensors"), batches = dir.resolve("batches");
        Path ours = dir.resolve("trainer.jsonl"), theirs = dir.resolve("reference.jsonl");
        // One run writes its initialization as the seed checkpoint, then loads it (as the harness's baseline run does).
        train(config, shape, "--checkpoint.own_init_path=" + seed, "--checkpoint.initial_load_path=" + seed,
                "--debug.dump_batches=" + batches, "--metrics.path=" + ours);

        List<String> command = new ArrayList<>(List.of(PythonTorch.PYTHON, REFERENCE.toString(), "--config=" + config,
                "--checkpoint=" + seed, "--batches=" + batches, "--metrics=" + theirs));
        command.addAll(shape);
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        String output = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(10, TimeUnit.MINUTES), "reference timed out");
        assertEquals(0, p.exitValue(), "reference failed: " + output);

        List<JsonNode> a = TinyRuns.steps(ours), b = TinyRuns.steps(theirs);
        assertEquals(STEPS, a.size());
        assertEquals(STEPS, b.size(), "reference steps");
        for (int i = 0; i < STEPS; i++) {
            double tolerance = i == 0 ? 1e-5 : 1e-4;
            assertEquals(a.get(i).get("data_fingerprint").asText(), b.get(i).get("data_fingerprint").asText());
            assertEquals(b.get(i).get("lr").doubleValue(), a.get(i).get("lr").doubleValue(), 1e-15, "lr at step " + (i + 1));
            for (String metric : List.of("loss", "grad_norm")) {
                double ref = b.get(i).get(metric).doubleValue(), got = a.get(i).get(metric).doubleValue();
                assertTrue(Math.abs(got - ref) <= tolerance * Math.abs(ref),
                        model + " " + flavor + " " + metric + " at step " + (i + 1) + ": trainer " + got
                                + ", reference " + ref + " (relative " + Math.abs(got - ref) / Math.abs(ref) + ")");
            }
        }
    }

    private static void train(Path config, List<String> shape, String... extra) throws Exception {
        List<String> overrides = new ArrayList<>(shape);
        overrides.addAll(List.of(extra));
        new Trainer(ConfigLoader.load(config, overrides), new PrintStream(new ByteArrayOutputStream())).run();
    }
}
