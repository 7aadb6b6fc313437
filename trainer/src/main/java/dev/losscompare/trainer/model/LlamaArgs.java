package dev.losscompare.trainer.model;

/**
 * Shapes of the llama family (llama3, llama4). {@code moe} null means dense SwiGLU layers; with an
 * MoE, layer i uses it when (i + 1) % {@code interleaveMoeLayerStep} == 0 and a dense SwiGLU of
 * {@code ffnHidden} otherwise (torchtitan experiments/llama4/model/model.py:356).
 * iRoPE (llama4): with {@code everyNLayersNope} = n > 0, layers with i % n == 0 use no positional
 * embedding and attend across the whole window (model.py:348); the other layers use RoPE and
 * attend within fixed chunks of {@code fixedAttnBlockSize} tokens (flex flavors only).
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
        int interleaveMoeLayerStep,
        int everyNLayersNope,
        int fixedAttnBlockSize) {

    public int headDim() {
        return dim / nHeads;
    }

    /** torchtitan's FeedForward sizing rule (models/llama3/model/model.py:286-290). */
    public static int swigluHidden(int dim, int multipleOf) {
        int hidden = (int) (2 * (4 * dim) / 3.0);
        return multipleOf * ((hidden + multipleOf - 1) / multipleOf);
    }

    public boolean moeEnabled(int layerId) {
        return moe != null && (layerId + 1) % interleaveMoeLayerStep == 0;
    }

    public boolean usesRope(int layerId) {
        return everyNLayersNope <= 0 || layerId % everyNLayersNope != 0;
    }

    /** RoPE layers of an iRoPE model attend within chunks; NoPE layers attend globally. */
    public boolean chunkedAttention(int layerId) {
        return flexAttention && fixedAttnBlockSize > 0 && usesRope(layerId);
    }
}
