package dev.losscompare.trainer.model;

/**
 * Mixture-of-experts shapes and routing (torchtitan's MoEArgs). {@code scoreFunc} is "sigmoid" or
 * "softmax"; {@code loadBalanceCoeff} > 0 enables the auxiliary-loss-free expert-bias update.
 */
public record MoeArgs(
        int numExperts,
        int topK,
        int numSharedExperts,
        int hiddenDim,
        String scoreFunc,
        boolean routeNorm,
        double routeScale,
        boolean scoreBeforeExperts,
        double loadBalanceCoeff) {

    /** torchtitan's llama4 expert sizing: SwiGLU 2/3 rule, split across top_k + shared, rounded up. */
    public static int llama4HiddenDim(int dim, int multipleOf, int topK, int numSharedExperts) {
        int hidden = (int) (2 * (4 * dim) / 3.0);
        hidden = hidden / (topK + numSharedExperts);
        return multipleOf * ((hidden + multipleOf - 1) / multipleOf);
    }
}
