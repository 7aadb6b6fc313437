package dev.losscompare.trainer.model.llama4;

import dev.losscompare.trainer.model.Flavors;
import dev.losscompare.trainer.model.MoeArgs;
import dev.losscompare.trainer.model.RotaryEmbedding;
import dev.losscompare.trainer.model.llama3.LlamaArgs;
import dev.losscompare.trainer.model.llama3.LlamaTransformer;

/**
 * llama4's flavors: torchtitan's llama4_configs (experiments/llama4/__init__.py:29). torchtitan's
 * llama4 model is a copy of llama3's with MoE layers and iRoPE added; here those are options of
 * llama3's {@link LlamaArgs} and {@link LlamaTransformer}, so llama4 owns its flavors and its
 * defaults, not a second transformer.
 */
public final class Llama4Flavors {
    private Llama4Flavors() {}

    /** llama4's RoPEScalingArgs defaults (experiments/llama4/model/args.py:22-26): factor 16, low and high frequency factors 1. */
    public static final RotaryEmbedding.Scaling ROPE_SCALING = new RotaryEmbedding.Scaling(16.0, 1.0, 1.0, 8192);

    /**
     * "debugmodel" (__init__.py:30-37, args.py:29-63): llama3's debug shapes, llama4 RoPE scaling,
     * MoEArgs' defaults (8 experts, top-1 sigmoid, one shared expert; expert hidden 512,
     * model.py:356-373) in every second layer (interleave_moe_layer_step 2: layers 1, 3, 5) and a
     * dense SwiGLU of 768 in the others. "debugmodel_irope" (__init__.py:61-72) makes layers with
     * layer_id % 4 == 0 (0 and 4) NoPE and global, the others RoPE within chunks, under the
     * block-causal document mask. Deliberate difference: torchtitan's chunks are 256 tokens at
     * seq_len 2048; ours are 32, the same 1:8 ratio to our 256-token windows, so the chunk mask
     * matters at the lengths we train. The vocabulary is ours (byte-level 258), not 2048.
     */
    public static final Flavors<LlamaArgs> FLAVORS = Flavors.of(LlamaTransformer::new)
            .and("debugmodel", vocab -> debugmodel(vocab).build())
            .and("debugmodel_irope", vocab -> debugmodel(vocab)
                    .everyNLayersNope(4).fixedAttnBlockSize(32).flexAttention(true).build());

    /** llama4's TransformerModelArgs default to MoEArgs() in every second layer (args.py:60-63). */
    private static LlamaArgs.Builder debugmodel(int vocab) {
        return LlamaArgs.builder().dim(256).nLayers(6).nHeads(16).vocabSize(vocab).ropeTheta(500000)
                .ropeScaling(ROPE_SCALING).moe(MoeArgs.builder().build());
    }
}
