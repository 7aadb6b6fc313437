package dev.losscompare.trainer.model.deepseekv3;

import dev.losscompare.trainer.model.Flavors;
import dev.losscompare.trainer.model.MoeArgs;

/** deepseek_v3's flavors: torchtitan's deepseekv3_configs (models/deepseek_v3/__init__.py:31). */
public final class DeepSeekV3Flavors {
    private DeepSeekV3Flavors() {}

    /**
     * "debugmodel" (__init__.py:32-54): dim 256, 6 layers (the first dense, SwiGLU 1024), 16 heads
     * of MLA (kv_lora_rank 512, qk 128 no-RoPE + 64 RoPE, v 128, q_lora_rank 0), MoE with 8 routed
     * experts (hidden 256, top-3 softmax scores applied after the experts) and 2 shared, YaRN
     * (mscale 0.70) beyond 4096 tokens; "debugmodel_flex_attn" (__init__.py:55-79) adds the
     * block-causal document mask. The vocabulary is ours (byte-level 258), not 2048.
     */
    public static final Flavors<DeepSeekV3Args> FLAVORS = Flavors.of(DeepSeekV3::new)
            .and("debugmodel", vocab -> debugmodel(vocab).build())
            .and("debugmodel_flex_attn", vocab -> debugmodel(vocab).flexAttention(true).build());

    private static DeepSeekV3Args.Builder debugmodel(int vocab) {
        return DeepSeekV3Args.builder()
                .vocabSize(vocab)
                .dim(256)
                .interDim(1024)
                .moeInterDim(256)
                .nLayers(6)
                .nDenseLayers(1)
                .nHeads(16)
                .moe(MoeArgs.builder()
                        .numExperts(8)
                        .numSharedExperts(2)
                        .topK(3)
                        .scoreFunc("softmax")
                        .routeNorm(false)
                        .scoreBeforeExperts(false)
                        .build())
                .kvLoraRank(512)
                .qkNopeHeadDim(128)
                .qkRopeHeadDim(64)
                .vHeadDim(128)
                .mscale(0.70);
    }
}
