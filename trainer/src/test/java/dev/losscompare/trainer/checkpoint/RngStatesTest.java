package dev.losscompare.trainer.checkpoint;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.losscompare.trainer.config.ConfigException;
import dev.losscompare.trainer.model.Parameters;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.bytedeco.javacpp.PointerScope;
import org.bytedeco.pytorch.Device;
import org.bytedeco.pytorch.Generator;
import org.bytedeco.pytorch.GeneratorOptional;
import org.bytedeco.pytorch.NoGradGuard;
import org.bytedeco.pytorch.Scalar;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.global.torch;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The RNG entries of training and seed checkpoints. No GPU here: a CUDA run's {@code rng.cuda}
 * generator is stood in for by a second CPU generator (a real one, with its own state), so what
 * is tested is the format and the restore; the CUDA generator itself is untested on a GPU.
 */
class RngStatesTest {
    @TempDir Path dir;

    /** A "CUDA run": its own CPU and CUDA generators, seeded apart. */
    private static RngStates cudaRun(Generator cpu, Generator cuda) {
        Map<String, Generator> g = new LinkedHashMap<>();
        g.put(RngStates.CPU, cpu);
        g.put(RngStates.CUDA, cuda);
        return new RngStates(g);
    }

    private static float[] draw(Generator g) {
        try (Tensor t = torch.zeros(4)) {
            t.uniform_(0, 1, new GeneratorOptional(g));
            float[] out = new float[4];
            for (int i = 0; i < 4; i++) out[i] = t.get(i).item_float();
            return out;
        }
    }

    @Test
    void aTrainingCheckpointCarriesEachGeneratorAndARestoreContinuesBoth() throws Exception {
        Generator cpu = torch.createCPUGenerator(1), cuda = torch.createCPUGenerator(2);
        RngStates run = cudaRun(cpu, cuda);
        assertEquals(List.of("rng.cpu", "rng.cuda"), List.copyOf(run.names()));
        Path file = dir.resolve("state.safetensors");
        try (PointerScope ignored = new PointerScope()) {
            SafeTensors.write(run.states(), file, Map.of(), () -> {});
        }
        float[] nextCpu = draw(cpu), nextCuda = draw(cuda);
        draw(cuda); // the run went on past the checkpoint

        SafeTensors.Contents contents = SafeTensors.read(file, "a training checkpoint");
        contents.requireNames(run.names(), "does not fit");
        run.restore(contents, run.names());
        assertArrayEquals(nextCpu, draw(cpu));
        assertArrayEquals(nextCuda, draw(cuda), "the CUDA stand-in continues from its saved state");

        // A CPU run's checkpoint holds rng.cpu only: a CUDA run refuses it, naming the missing state.
        assertEquals(Set.of("rng.cpu"), RngStates.of(new Device(torch.DeviceType.CPU)).names());
        Path cpuFile = dir.resolve("cpu.safetensors");
        try (PointerScope ignored = new PointerScope()) {
            SafeTensors.write(Map.of(RngStates.CPU, cpu.get_state()), cpuFile, Map.of(), () -> {});
        }
        ConfigException e = assertThrows(ConfigException.class,
                () -> SafeTensors.read(cpuFile, "a training checkpoint").requireNames(run.names(), "does not fit this run's state"));
        assertTrue(e.getMessage().contains("missing [rng.cuda]"), e.getMessage());
    }

    @Test
    void aSeedCheckpointWrittenOnCudaCarriesTheCudaStateWhichOnlyACudaRunRestores() throws Exception {
        Parameters written = new Parameters(new Device(torch.DeviceType.CPU));
        try (NoGradGuard ignored = new NoGradGuard(); Scalar half = new Scalar(0.5)) {
            written.create("w", 3).fill_(half);
        }
        Generator cuda = torch.createCPUGenerator(3);
        Path seed = dir.resolve("seed.safetensors");
        SafeTensors.save(written, cudaRun(torch.createCPUGenerator(4), cuda), seed, Map.of());
        float[] afterInit = draw(cuda);
        assertEquals(Set.of("w", "rng.cuda"), SafeTensors.read(seed, "a seed").names(), "the CPU generator is not in a seed");

        // A CUDA run loads the weights and continues from the seed's CUDA state, not its own.
        Generator other = torch.createCPUGenerator(99);
        Parameters loaded = new Parameters(new Device(torch.DeviceType.CPU));
        loaded.create("w", 3);
        SafeTensors.load(loaded, cudaRun(torch.createCPUGenerator(5), other), seed);
        assertEquals(0.5f, loaded.get("w").get(2).item_float());
        assertArrayEquals(afterInit, draw(other));

        // A CPU run loads the same file: the weights, and rng.cuda is no error and touches nothing.
        Parameters onCpu = new Parameters(new Device(torch.DeviceType.CPU));
        onCpu.create("w", 3);
        SafeTensors.load(onCpu, RngStates.of(new Device(torch.DeviceType.CPU)), seed);
        assertEquals(0.5f, onCpu.get("w").get(0).item_float());

        // A seed written on CPU holds the weights alone; a CUDA run loading it keeps its own state.
        Path cpuSeed = dir.resolve("cpu-seed.safetensors");
        SafeTensors.save(written, RngStates.of(new Device(torch.DeviceType.CPU)), cpuSeed, Map.of());
        assertEquals(Set.of("w"), SafeTensors.read(cpuSeed, "a seed").names());
        Generator own = torch.createCPUGenerator(7), same = torch.createCPUGenerator(7);
        SafeTensors.load(loaded, cudaRun(torch.createCPUGenerator(5), own), cpuSeed);
        assertArrayEquals(draw(same), draw(own));
        assertFalse(java.util.Arrays.equals(afterInit, draw(torch.createCPUGenerator(7))));
    }
}
