package dev.losscompare.trainer.distributed;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.losscompare.trainer.config.ConfigException;
import dev.losscompare.trainer.config.ConfigLoader;
import dev.losscompare.trainer.train.Trainer;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Reading the torchrun environment, and the parallelism keys, without starting any process. */
class DistEnvTest {
    private static final Path CONFIG = Path.of("..", "configs", "llama3_debug.toml");

    @Test
    void noWorldSizeOrOneIsASingleRank() {
        assertEquals(DistEnv.SINGLE, DistEnv.from(Map.of()));
        assertEquals(DistEnv.SINGLE, DistEnv.from(Map.of("WORLD_SIZE", "1", "RANK", "0")));
    }

    @Test
    void torchrunVariablesAreRead() {
        DistEnv env = DistEnv.from(Map.of("WORLD_SIZE", "4", "RANK", "3", "LOCAL_RANK", "1",
                "MASTER_ADDR", "node1", "MASTER_PORT", "40000"));
        assertEquals(new DistEnv(3, 1, 4, "node1", 40000), env);
        assertTrue(env.distributed());
        assertEquals(2, DistEnv.from(Map.of("WORLD_SIZE", "4", "RANK", "2", "MASTER_ADDR", "h", "MASTER_PORT", "1")).localRank());
    }

    @Test
    void missingOrBadVariablesNameTheVariable() {
        Map<String, String> good = Map.of("WORLD_SIZE", "2", "RANK", "1", "MASTER_ADDR", "h", "MASTER_PORT", "29500");
        for (Map.Entry<String, String> bad : List.of(Map.entry("RANK", "2"), Map.entry("RANK", "x"),
                Map.entry("MASTER_PORT", "70000"), Map.entry("WORLD_SIZE", "0"))) {
            Map<String, String> env = new java.util.HashMap<>(good);
            env.put(bad.getKey(), bad.getValue());
            ConfigException e = assertThrows(ConfigException.class, () -> DistEnv.from(env));
            assertTrue(e.getMessage().startsWith("bad " + bad.getKey() + " '" + bad.getValue() + "'"), e.getMessage());
        }
        Map<String, String> noAddr = new java.util.HashMap<>(good);
        noAddr.remove("MASTER_ADDR");
        assertTrue(assertThrows(ConfigException.class, () -> DistEnv.from(noAddr)).getMessage().contains("MASTER_ADDR is not set"));
    }

    @Test
    void theReplicateDegreeMustBeMinusOneOrTheWorldSize() {
        ConfigException zero = assertThrows(ConfigException.class,
                () -> ConfigLoader.load(CONFIG, List.of("--parallelism.data_parallel_replicate_degree=0")));
        assertTrue(zero.getMessage().contains("parallelism.data_parallel_replicate_degree"), zero.getMessage());
        // This test JVM is one rank (no WORLD_SIZE): a degree of 2 cannot be honoured.
        Trainer two = new Trainer(ConfigLoader.load(CONFIG, List.of("--parallelism.data_parallel_replicate_degree=2",
                "--training.steps=1", "--training.seq_len=16", "--training.local_batch_size=1")),
                new PrintStream(new ByteArrayOutputStream()));
        ConfigException e = assertThrows(ConfigException.class, two::run);
        assertTrue(e.getMessage().contains("WORLD_SIZE=1"), e.getMessage());
    }
}
