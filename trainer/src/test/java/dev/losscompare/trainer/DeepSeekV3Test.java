package dev.losscompare.trainer;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.losscompare.trainer.data.ByteTokenizer;
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

class DeepSeekV3Test {
    static final String DEEPSEEK = "--model.name=deepseek_v3";
    static final String FLEX = "--model.flavor=debugmodel_flex_attn";
    @TempDir Path dir;

    static Model model(String flavor, long seqLen) {
        torch.manual_seed(7);
        return ModelRegistry.create("deepseek_v3", flavor, ByteTokenizer.VOCAB_SIZE, seqLen, new Device(torch.DeviceType.CPU));
    }

    @Test
    void latentAttentionShapesAndTorchtitanNames() {
        Model model = model("debugmodel", 32);
        Tensor tokens = torch.randint(0, 256, new long[] {2, 20}, Ops.options(torch.ScalarType.Long));
        assertNull(model.attentionMasks(tokens, ByteTokenizer.EOS));
        assertArrayEquals(new long[] {2, 20, ByteTokenizer.VOCAB_SIZE}, model.forward(tokens, null).sizes().vec().get());
        var p = model.parameters();
        assertArrayEquals(new long[] {16 * 192, 256}, p.get("layers.0.attention.wq.weight").sizes().vec().get());
        assertArrayEquals(new long[] {512 + 64, 256}, p.get("layers.0.attention.wkv_a.weight").sizes().vec().get());
        assertArrayEquals(new long[] {512}, p.get("layers.0.attention.kv_norm.weight").sizes().vec().get());
        assertArrayEquals(new long[] {16 * (128 + 128), 512}, p.get("layers.0.attention.wkv_b.weight").sizes().vec().get());
        assertArrayEquals(new long[] {256, 16 * 128}, p.get("layers.0.attention.wo.weight").sizes().vec().get());
        assertArrayEquals(new long[] {1024, 256}, p.get("layers.0.feed_forward.w1.weight").sizes().vec().get(), "first layer dense");
        assertTrue(p.byName().containsKey("layers.1.moe.router.gate.weight"));
        assertArrayEquals(new long[] {512, 256}, p.get("layers.1.moe.shared_experts.w1.weight").sizes().vec().get(), "2 shared x 256");
        assertFalse(p.byName().containsKey("layers.1.feed_forward.w1.weight"));
    }

    @Test
    void flexMatchesSdpaWhenTheWindowHoldsOneDocument() {
        long[] ids = new long[2 * 24], next = new long[2 * 24];
        for (int i = 0; i < ids.length; i++) ids[i] = 97 + (i * 7) % 26;
        for (int r = 0; r < 2; r++) for (int i = 0; i < 24; i++) next[r * 24 + i] = ids[r * 24 + (i + 1) % 24];
        Tensor tokens = torch.tensor(ids, Ops.options(torch.ScalarType.Long)).view(2, 24);
        Tensor labels = torch.tensor(next, Ops.options(torch.ScalarType.Long)).view(2, 24);
        double sdpa = loss(model("debugmodel", 24), tokens, labels);
        double flex = loss(model("debugmodel_flex_attn", 24), tokens, labels);
        assertEquals(sdpa, flex, 1e-5 * Math.abs(sdpa));
    }

    private static double loss(Model model, Tensor tokens, Tensor labels) {
        Tensor logits = model.forward(tokens, model.attentionMasks(tokens, ByteTokenizer.EOS));
        return torch.cross_entropy(logits.view(-1, logits.size(2)), labels.view(-1)).item_double();
    }

    @Test
    void reproducibleLossFallsAndFlexDiffersOnPackedDocuments() throws Exception {
        String[] shape = {"--training.steps=8", "--training.seq_len=64"};
        List<JsonNode> a = TinyRuns.train(dir.resolve("a.jsonl"), DEEPSEEK, shape[0], shape[1]);
        List<JsonNode> b = TinyRuns.train(dir.resolve("b.jsonl"), DEEPSEEK, shape[0], shape[1]);
        List<JsonNode> flex = TinyRuns.train(dir.resolve("f.jsonl"), DEEPSEEK, FLEX, shape[0], shape[1]);
        assertArrayEquals(TinyRuns.bits(a, "loss"), TinyRuns.bits(b, "loss"));
        assertArrayEquals(TinyRuns.bits(a, "grad_norm"), TinyRuns.bits(b, "grad_norm"));
        double[] loss = TinyRuns.series(a, "loss");
        assertTrue(loss[7] < loss[0] - 1.0, "loss falls: " + Arrays.toString(loss));
        assertFalse(Arrays.equals(TinyRuns.bits(a, "loss"), TinyRuns.bits(flex, "loss")), "document mask changes the numbers");
    }

    @Test
    void seedCheckpointRoundTrip() throws Exception {
        TinyRuns.RoundTrip r = TinyRuns.seedCheckpointRoundTrip(dir, DEEPSEEK);
        assertArrayEquals(TinyRuns.bits(r.original(), "loss"), TinyRuns.bits(r.loaded(), "loss"));
        assertArrayEquals(TinyRuns.bits(r.original(), "grad_norm"), TinyRuns.bits(r.loaded(), "grad_norm"));
    }
}
