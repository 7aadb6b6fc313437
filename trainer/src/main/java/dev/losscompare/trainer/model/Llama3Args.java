package dev.losscompare.trainer.model;

/**
 * Shapes of a llama3-family transformer. {@code ffnHidden} is the SwiGLU hidden size after
 * torchtitan's rounding (4*dim -> 2/3 -> multiple_of).
 */
public record Llama3Args(
        int dim,
        int nLayers,
        int nHeads,
        int nKvHeads,
        int vocabSize,
        int ffnHidden,
        double normEps,
        double ropeTheta,
        RotaryEmbedding.Scaling ropeScaling,
        boolean flexAttention) {

    public int headDim() {
        return dim / nHeads;
    }

    /** torchtitan's FeedForward sizing rule. */
    public static int swigluHidden(int dim, int multipleOf) {
        int hidden = (int) (2 * (4 * dim) / 3.0);
        return multipleOf * ((hidden + multipleOf - 1) / multipleOf);
    }
}
