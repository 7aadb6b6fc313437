package dev.losscompare.trainer.model;

/**
 * Shapes of the llama family (llama3, llama4). {@code moe} null means dense SwiGLU layers.
 * iRoPE (llama4): with {@code everyNLayersNope} = n > 0 every n-th layer uses no positional
 * embedding and attends across the whole window; the other layers use RoPE and attend within
 * fixed chunks of {@code fixedAttnBlockSize} tokens (flex flavors only).
 */
public record LlamaArgs(
        int dim,
        int nLayers,
        int nHeads,
        int nKvHeads,
        int vocabSize,
        int ffnHidden,
        double normEps,
        double ropeTheta,
        RotaryEmbedding.Scaling ropeScaling,
        boolean flexAttention,
        MoeArgs moe,
        int everyNLayersNope,
        int fixedAttnBlockSize) {

    public int headDim() {
        return dim / nHeads;
    }

    /** torchtitan's FeedForward sizing rule. */
    public static int swigluHidden(int dim, int multipleOf) {
        int hidden = (int) (2 * (4 * dim) / 3.0);
        return multipleOf * ((hidden + multipleOf - 1) / multipleOf);
    }

    public boolean usesRope(int layerId) {
        return everyNLayersNope <= 0 || (layerId + 1) % everyNLayersNope != 0;
    }

    /** RoPE layers of an iRoPE model attend within chunks; NoPE layers attend globally. */
    public boolean chunkedAttention(int layerId) {
        return flexAttention && fixedAttnBlockSize > 0 && usesRope(layerId);
    }
}
