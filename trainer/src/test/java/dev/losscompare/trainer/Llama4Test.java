package dev.losscompare.trainer;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.losscompare.trainer.data.ByteTokenizer;
import dev.losscompare.trainer.model.AttentionMasks;
import dev.losscompare.trainer.model.Model;
import dev.losscompare.trainer.model.ModelRegistry;
import dev.losscompare.trainer.model.Ops;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import org.bytedeco.pytorch.Device;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.global.torch;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class Llama4Test {
    static final String LLAMA4 = "--model.name=llama4";
    static final String IROPE = "--model.flavor=debugmodel_irope";
    @TempDir Path dir;

    @Test
    void forwardGivesLogitsPerPositionAndIropeBuildsBothMasks() {
        torch.manual_seed(1);
        Model model = ModelRegistry.create("llama4", "debugmodel_irope", ByteTokenizer.VOCAB_SIZE, 64,
                new Device(torch.DeviceType.CPU));
        Tensor tokens = torch.randint(0, 256, new long[] {2, 40}, Ops.options(torch.ScalarType.Long));
        AttentionMasks masks = model.attentionMasks(tokens, ByteTokenizer.EOS);
        assertNotNull(masks.global());
        assertNotNull(masks.local(), "RoPE layers attend within chunks");
        assertArrayEquals(new long[] {2, 40, ByteTokenizer.VOCAB_SIZE}, model.forward(tokens, masks).sizes().vec().get());
        assertTrue(model.parameters().byName().containsKey("layers.1.moe.router.gate.weight"));
        assertTrue(model.parameters().byName().containsKey("layers.5.moe.shared_experts.w2.weight"));
        assertArrayEquals(new long[] {8, 512, 256}, model.parameters().get("layers.1.moe.experts.w1").sizes().vec().get());
    }

    @Test
    void bitReproducibleForAFixedThreadCount() throws Exception {
        // Thread count is part of a run's identity: the harness pins it on both sides. (Across thread
        // counts the bits matched with OpenBLAS's SkylakeX kernels but not its Haswell ones for one
        // MoE GEMM shape, so that is not promised.)
        List<JsonNode> a = TinyRuns.train(dir.resolve("a.jsonl"), LLAMA4, IROPE, "--training.num_threads=2");
        List<JsonNode> b = TinyRuns.train(dir.resolve("b.jsonl"), LLAMA4, IROPE, "--training.num_threads=2");
        assertArrayEquals(TinyRuns.bits(a, "loss"), TinyRuns.bits(b, "loss"));
        assertArrayEquals(TinyRuns.bits(a, "grad_norm"), TinyRuns.bits(b, "grad_norm"));
    }

    @Test
    void lossFallsAndIropeDiffersFromPlainCausal() throws Exception {
        String[] shape = {"--training.steps=12", "--training.seq_len=64"};
        double[] plain = TinyRuns.series(TinyRuns.train(dir.resolve("p.jsonl"), LLAMA4, shape[0], shape[1]), "loss");
        double[] irope = TinyRuns.series(TinyRuns.train(dir.resolve("i.jsonl"), LLAMA4, IROPE, shape[0], shape[1]), "loss");
        assertTrue(plain[11] < plain[0] - 1.0, "loss falls: " + Arrays.toString(plain));
        assertTrue(irope[11] < irope[0] - 1.0, "loss falls: " + Arrays.toString(irope));
        assertFalse(Arrays.equals(plain, irope), "chunked and NoPE layers change the numbers");
    }

    @Test
    void seedCheckpointRoundTrip() throws Exception {
        TinyRuns.RoundTrip r = TinyRuns.seedCheckpointRoundTrip(dir, LLAMA4);
        assertArrayEquals(TinyRuns.bits(r.original(), "loss"), TinyRuns.bits(r.loaded(), "loss"));
        assertArrayEquals(TinyRuns.bits(r.original(), "grad_norm"), TinyRuns.bits(r.loaded(), "grad_norm"));
    }
}
