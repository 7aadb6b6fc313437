package dev.losscompare.trainer;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.losscompare.trainer.model.Ops;
import dev.losscompare.trainer.train.MixedPrecision;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import org.bytedeco.pytorch.Device;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.global.torch;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class MixedPrecisionTest {
    static final String BF16 = "--training.mixed_precision_param=bfloat16";
    @TempDir Path dir;

    @Test
    void bfloat16ComputesMatmulsInBf16OnlyInsideTheScope() {
        Device cpu = new Device(torch.DeviceType.CPU);
        Tensor x = torch.randn(new long[] {4, 8}, Ops.options(torch.ScalarType.Float));
        Tensor w = torch.randn(new long[] {3, 8}, Ops.options(torch.ScalarType.Float));
        try (MixedPrecision ignored = MixedPrecision.enter("bfloat16", cpu)) {
            assertEquals("BFloat16", Ops.linear(x, w).scalar_type().toString());
        }
        assertEquals("Float", Ops.linear(x, w).scalar_type().toString());
        try (MixedPrecision ignored = MixedPrecision.enter("float32", cpu)) {
            assertEquals("Float", Ops.linear(x, w).scalar_type().toString());
        }
    }

    @Test
    void bfloat16RunsAreBitwiseReproducibleAndCloseToFp32() throws Exception {
        for (String model : List.of("--model.name=llama4", "--model.name=deepseek_v3")) {
            List<JsonNode> a = TinyRuns.train(dir.resolve("a.jsonl"), model, BF16);
            List<JsonNode> b = TinyRuns.train(dir.resolve("b.jsonl"), model, BF16);
            List<JsonNode> fp32 = TinyRuns.train(dir.resolve("f.jsonl"), model);
            assertArrayEquals(TinyRuns.bits(a, "loss"), TinyRuns.bits(b, "loss"), model);
            assertArrayEquals(TinyRuns.bits(a, "grad_norm"), TinyRuns.bits(b, "grad_norm"), model);
            assertFalse(Arrays.equals(TinyRuns.bits(a, "loss"), TinyRuns.bits(fp32, "loss")), model + ": bf16 changes the numbers");
            double[] lb = TinyRuns.series(a, "loss"), lf = TinyRuns.series(fp32, "loss");
            for (int i = 0; i < lb.length; i++) assertTrue(Math.abs(lb[i] - lf[i]) < 0.02 * lf[i], model + " step " + (i + 1));
        }
    }
}
