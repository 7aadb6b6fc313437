package dev.losscompare.trainer.model;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.losscompare.trainer.model.deepseekv3.DeepSeekV3Args;
import dev.losscompare.trainer.model.deepseekv3.DeepSeekV3Flavors;
import dev.losscompare.trainer.model.llama3.LlamaArgs;
import dev.losscompare.trainer.model.llama4.Llama4Flavors;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.bytedeco.pytorch.Device;
import org.bytedeco.pytorch.global.torch;
import org.junit.jupiter.api.Test;

/** Each flavor's shapes against the numbers worked out by hand from torchtitan's model code. */
class TorchtitanShapesTest {
    static final Device CPU = new Device(torch.DeviceType.CPU);

    static Model create(String name, String flavor, int vocab) {
        torch.manual_seed(0);
        return ModelRegistry.create(name, flavor, vocab, 16, CPU);
    }

    /** Embedding + untied output (vocab x 256 each) + final norm. */
    static long ends(int vocab) {
        return 2L * vocab * 256 + 256;
    }

    @Test
    void parameterCountsMatchTorchtitansShapes() {
        long attention = 4L * 256 * 256, norms = 2 * 256, dense = 3L * 256 * 768;
        // llama4 MoE layer: experts 8 x 3 x 512 x 256, router 8 x 256, one shared expert 3 x 256 x 512.
        long moe = 8L * 3 * 512 * 256 + 8 * 256 + 3L * 256 * 512;
        long llama3 = ends(258) + 6 * (attention + norms + dense);
        long llama4 = ends(258) + 6 * (attention + norms) + 3 * dense + 3 * moe;
        assertEquals(5_247_232, llama3);
        assertEquals(14_100_736, llama4);
        assertEquals(llama3, create("llama3", "debugmodel", 258).parameters().count());
        assertEquals(llama4, create("llama4", "debugmodel", 258).parameters().count());
        assertEquals(llama4, create("llama4", "debugmodel_irope", 258).parameters().count());
        assertEquals(15_017_216, create("llama4", "debugmodel", 2048).parameters().count(), "torchtitan's own vocab");

        // deepseek_v3 MLA: wq 256 -> 16 x 192, wkv_a 256 -> 512 + 64, kv_norm 512, wkv_b 512 -> 16 x 256, wo 16 x 128 -> 256.
        long mla = 256L * 16 * 192 + 256L * 576 + 512 + 512L * 16 * 256 + 16L * 128 * 256;
        long dsMoe = 8L * 3 * 256 * 256 + 8 * 256 + 3L * 256 * 512; // 8 experts of 256, 2 shared (512)
        long deepseek = ends(258) + 6 * (mla + norms) + 3L * 256 * 1024 + 5 * dsMoe;
        assertEquals(deepseek, create("deepseek_v3", "debugmodel", 258).parameters().count());
    }

    @Test
    void llama4PutsMoeInLayers135AndDenseSwigluIn024() {
        Set<String> names = create("llama4", "debugmodel", 258).parameters().byName().keySet();
        for (int layer = 0; layer < 6; layer++) {
            boolean moe = layer % 2 == 1;
            assertEquals(moe, names.contains("layers." + layer + ".moe.experts.w1"), "layer " + layer);
            assertEquals(moe, names.contains("layers." + layer + ".moe.router.gate.weight"), "layer " + layer);
            assertEquals(!moe, names.contains("layers." + layer + ".feed_forward.w1.weight"), "layer " + layer);
        }
        assertEquals(List.of(768L, 256L), shape(create("llama4", "debugmodel", 258), "layers.0.feed_forward.w1.weight"));
    }

    @Test
    void iropeNopeLayersAreZeroAndFour() {
        LlamaArgs irope = Llama4Flavors.FLAVORS.args("debugmodel_irope", 258);
        List<Integer> nope = new ArrayList<>();
        for (int i = 0; i < irope.nLayers(); i++) if (!irope.usesRope(i)) nope.add(i);
        assertEquals(List.of(0, 4), nope);
        assertFalse(irope.chunkedAttention(0));
        assertTrue(irope.chunkedAttention(1));
        LlamaArgs plain = Llama4Flavors.FLAVORS.args("debugmodel", 258);
        for (int i = 0; i < plain.nLayers(); i++) assertTrue(plain.usesRope(i));
    }

    @Test
    void parametersRegisterInTorchtitansOrder() {
        List<String> llama = layerNames(create("llama4", "debugmodel", 258), "layers.1.");
        assertEquals(List.of("attention.wq.weight", "attention.wk.weight", "attention.wv.weight", "attention.wo.weight",
                "moe.experts.w1", "moe.experts.w2", "moe.experts.w3", "moe.router.gate.weight",
                "moe.shared_experts.w1.weight", "moe.shared_experts.w2.weight", "moe.shared_experts.w3.weight",
                "attention_norm.weight", "ffn_norm.weight"), llama);
        List<String> deepseek = layerNames(create("deepseek_v3", "debugmodel", 258), "layers.0.");
        assertEquals(List.of("attention.wq.weight", "attention.wkv_a.weight", "attention.kv_norm.weight",
                "attention.wkv_b.weight", "attention.wo.weight", "attention_norm.weight", "ffn_norm.weight",
                "feed_forward.w1.weight", "feed_forward.w2.weight", "feed_forward.w3.weight"), deepseek);
    }

    @Test
    void deepseekYarnAppliesOnlyBeyond4096Tokens() {
        DeepSeekV3Args args = DeepSeekV3Flavors.FLAVORS.args("debugmodel", 258);
        double base = 1 / StrictMath.sqrt(192);
        assertEquals(base, args.softmaxScale(4096), 1e-15);
        double mscale = 0.1 * 0.70 * StrictMath.log(40) + 1.0; // models/deepseek_v3/model/model.py:184
        assertEquals(base * mscale * mscale, args.softmaxScale(4097), 1e-15);
    }

    private static List<String> layerNames(Model model, String prefix) {
        List<String> out = new ArrayList<>();
        for (String n : model.parameters().byName().keySet()) if (n.startsWith(prefix)) out.add(n.substring(prefix.length()));
        return out;
    }

    private static List<Long> shape(Model model, String name) {
        List<Long> out = new ArrayList<>();
        for (long d : model.parameters().get(name).sizes().vec().get()) out.add(d);
        return out;
    }
}
