package dev.losscompare.trainer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.losscompare.trainer.config.ConfigException;
import dev.losscompare.trainer.config.ConfigLoader;
import dev.losscompare.trainer.config.JobConfig;
import dev.losscompare.trainer.train.TrainingDivergedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class ConfigAndBadInputTest {
    @TempDir Path dir;

    private static String error(Path config, String... overrides) {
        return assertThrows(ConfigException.class, () -> ConfigLoader.load(config, List.of(overrides))).getMessage();
    }

    @Test
    void overridesWinOverTheFileAndBareFlagsMeanTrue() {
        JobConfig c = ConfigLoader.load(TinyRuns.LLAMA3_CONFIG, List.of(
                "--training.steps=7", "--optimizer.lr=0.001", "--model.flavor=debugmodel_flex_attn",
                "--debug.deterministic=false", "--debug.deterministic", "--training.seq_len=1_024"));
        assertEquals(7, c.training().steps());
        assertEquals(0.001, c.optimizer().lr());
        assertEquals("debugmodel_flex_attn", c.model().flavor());
        assertTrue(c.debug().deterministic());
        assertEquals(1024, c.training().seqLen());
        assertEquals(8, c.training().localBatchSize(), "unset keys keep the file's value");
    }

    @ParameterizedTest
    @CsvSource({"llama3_debug.toml, llama3", "llama4_debug.toml, llama4", "deepseek_v3_debug.toml, deepseek_v3"})
    void everyShippedConfigLoads(String file, String model) {
        JobConfig c = ConfigLoader.load(TinyRuns.PROJECT.resolve("configs").resolve(file), List.of());
        assertEquals(model, c.model().name());
        assertEquals(100, c.training().steps());
    }

    @Test
    void missingAndMalformedConfigFiles() throws Exception {
        assertTrue(error(dir.resolve("nope.toml")).startsWith("config file not found: "));
        Path bad = dir.resolve("bad.toml");
        Files.writeString(bad, "[training\nsteps = ");
        assertTrue(error(bad).contains("is not valid TOML"), error(bad));
    }

    @Test
    void unknownKeysNameTheKeyAndTheValidOnes() throws Exception {
        String e = error(TinyRuns.LLAMA3_CONFIG, "--training.stepz=5");
        assertTrue(e.contains("unknown key 'training.stepz'") && e.contains("seq_len") && e.contains("steps"), e);
        assertTrue(error(TinyRuns.LLAMA3_CONFIG, "--nosuch.key=1").contains("unknown key 'nosuch.key'"));
        Path file = dir.resolve("typo.toml");
        Files.writeString(file, "[training]\nsteps = 3\nlearning_rate = 0.1\n");
        assertTrue(error(file).contains("unknown key 'training.learning_rate'"), error(file));
        Files.writeString(file, "[trainer]\nsteps = 3\n");
        assertTrue(error(file).contains("unknown section [trainer]"), error(file));
    }

    @ParameterizedTest
    @CsvSource({
        "--training.steps=0, training.steps",
        "--training.steps=-3, training.steps",
        "--training.seq_len=0, training.seq_len",
        "--training.local_batch_size=0, training.local_batch_size",
        "--training.num_threads=0, training.num_threads",
        "--training.steps=abc, training.steps",
        "--optimizer.lr=fast, optimizer.lr",
        "--debug.deterministic=yes, debug.deterministic",
        "--training.device=tpu, training.device",
        "--training.max_norm=0, training.max_norm",
    })
    void badValuesNameTheKey(String override, String key) {
        String e = error(TinyRuns.LLAMA3_CONFIG, override);
        assertTrue(e.startsWith("bad value") && e.contains(key), e);
    }

    @Test
    void unknownModelAndFlavorListTheValidOnes() {
        String flavor = error(TinyRuns.LLAMA3_CONFIG, "--model.flavor=hugemodel");
        assertTrue(flavor.contains("unknown model.flavor 'hugemodel'") && flavor.contains("debugmodel_flex_attn"), flavor);
        assertTrue(error(TinyRuns.LLAMA3_CONFIG, "--model.name=gpt5").contains("unknown model.name 'gpt5'"));
    }

    @Test
    void cudaWithoutAGpuIsAClearError() {
        org.junit.jupiter.api.Assumptions.assumeFalse(cudaPresent(), "this machine has a GPU");
        ConfigException e = assertThrows(ConfigException.class,
                () -> TinyRuns.train(dir.resolve("m.jsonl"), "--training.device=cuda"));
        assertTrue(e.getMessage().contains("no CUDA device"), e.getMessage());
    }

    private static boolean cudaPresent() {
        try {
            return org.bytedeco.pytorch.global.torch.cuda_is_available();
        } catch (Throwable t) {
            return false;
        }
    }

    @Test
    void nanLossIsWrittenAndEndsTheRun() throws Exception {
        Path metrics = dir.resolve("nan.jsonl");
        // An absurd learning rate blows the weights up after the first update.
        TrainingDivergedException e = assertThrows(TrainingDivergedException.class,
                () -> TinyRuns.train(metrics, "--optimizer.lr=1e30", "--training.steps=5", "--lr_scheduler.warmup_steps=0"));
        List<JsonNode> rows = TinyRuns.steps(metrics);
        JsonNode last = rows.get(rows.size() - 1);
        assertTrue(!Double.isFinite(last.get("loss").doubleValue()) || !Double.isFinite(last.get("grad_norm").doubleValue()));
        assertTrue(rows.size() < 5, "the run stopped at the first non-finite step");
        assertTrue(e.getMessage().contains("at step " + last.get("step").asInt()), e.getMessage());
    }
}
