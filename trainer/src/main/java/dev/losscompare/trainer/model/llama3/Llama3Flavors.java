package dev.losscompare.trainer.model.llama3;

import dev.losscompare.trainer.model.Flavors;

/** llama3's flavors: torchtitan's llama3_configs (models/llama3/__init__.py:30). */
public final class Llama3Flavors {
    private Llama3Flavors() {}

    /**
     * "debugmodel" (__init__.py:31-33): dim 256, 6 layers, 16 heads, theta 500000, the defaults
     * otherwise (SwiGLU hidden 768, llama-3 RoPE scaling); "debugmodel_flex_attn" (__init__.py:34-42)
     * adds the block-causal document mask. The vocabulary is ours (byte-level 258), not 2048.
     */
    public static final Flavors<LlamaArgs> FLAVORS = Flavors.of(LlamaTransformer::new)
            .and("debugmodel", vocab -> debugmodel(vocab).build())
            .and("debugmodel_flex_attn", vocab -> debugmodel(vocab).flexAttention(true).build());

    private static LlamaArgs.Builder debugmodel(int vocab) {
        return LlamaArgs.builder().dim(256).nLayers(6).nHeads(16).vocabSize(vocab).ropeTheta(500000);
    }
}
