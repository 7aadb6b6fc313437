package dev.losscompare.trainer.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.losscompare.trainer.config.ConfigLoader;
import dev.losscompare.trainer.config.JobConfig;
import dev.losscompare.trainer.train.Trainer;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The profiler only reads the clock: a profiled run gives the same bits as a plain one. */
class StepProfilerTest {
    @TempDir Path dir;

    private JobConfig config(Path metrics) {
        return ConfigLoader.load(Path.of("..").toAbsolutePath().normalize().resolve("configs/llama4_debug.toml"),
                List.of("--training.steps=3", "--training.seq_len=32", "--training.local_batch_size=2",
                        "--training.num_threads=1", "--metrics.path=" + metrics));
    }

    private static List<String> lossAndGradNormBits(Path metrics) throws Exception {
        ObjectMapper json = new ObjectMapper();
        return Files.readAllLines(metrics).stream().skip(1).map(l -> {
            try {
                JsonNode n = json.readTree(l);
                return Long.toHexString(Double.doubleToRawLongBits(n.get("loss").doubleValue())) + " "
                        + Long.toHexString(Double.doubleToRawLongBits(n.get("grad_norm").doubleValue()));
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        }).toList();
    }

    @Test
    void profiledRunHasThePlainRunsBitsAndTimesEveryPhase() throws Exception {
        PrintStream quiet = new PrintStream(new ByteArrayOutputStream());
        new Trainer(config(dir.resolve("plain.jsonl")), quiet).run();
        StepProfiler profiler = new StepProfiler(true, 2);
        new Trainer(config(dir.resolve("profiled.jsonl")), quiet).withStepHooks(profiler::step).run();

        List<String> plain = lossAndGradNormBits(dir.resolve("plain.jsonl"));
        assertEquals(3, plain.size());
        assertEquals(plain, lossAndGradNormBits(dir.resolve("profiled.jsonl")));

        assertEquals(2, profiler.measuredSteps());
        assertEquals(List.of(1, 2, 3), List.copyOf(profiler.cpuSecondsByStep().keySet()));
        for (String phase : List.of("forward: attention_norm", "forward: moe.router", "forward: moe",
                "forward: feed_forward", "backward", "optimizer (AdamW) and load balancing", "zero_grad")) {
            assertTrue(profiler.segments().containsKey(phase), phase + " in " + profiler.segments().keySet());
        }
        assertTrue(profiler.segments().values().stream().allMatch(ns -> ns >= 0));
    }
}
