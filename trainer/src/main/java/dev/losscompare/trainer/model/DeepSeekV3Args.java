package dev.losscompare.trainer.model;

/**
 * Shapes of torchtitan's deepseek_v3. Multi-head latent attention: queries are projected directly
 * (q_lora_rank 0 in the debug model); keys and values come from one compressed latent of
 * {@code kvLoraRank} (with its own RMSNorm) plus a RoPE part of {@code qkRopeHeadDim} shared by all
 * heads. The first {@code nDenseLayers} layers use a dense SwiGLU of {@code interDim}; the rest MoE.
 */
public record DeepSeekV3Args(
        int dim,
        int nLayers,
        int nDenseLayers,
        int nHeads,
        int vocabSize,
        int interDim,
        int kvLoraRank,
        int qkNopeHeadDim,
        int qkRopeHeadDim,
        int vHeadDim,
        double normEps,
        double ropeTheta,
        RotaryEmbedding.Yarn yarn,
        MoeArgs moe,
        boolean flexAttention) {

    public int qkHeadDim() {
        return qkNopeHeadDim + qkRopeHeadDim;
    }

    /** qk_head_dim ** -0.5, times mscale² beyond YaRN's original length (models/deepseek_v3/model/model.py:181-185). */
    public double softmaxScale(long seqLen) {
        return yarn.softmaxScale(StrictMath.pow(qkHeadDim(), -0.5), seqLen);
    }
}
