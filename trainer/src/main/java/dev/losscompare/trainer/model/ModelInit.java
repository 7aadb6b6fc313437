package dev.losscompare.trainer.model;

import java.util.List;
import org.bytedeco.pytorch.Tensor;

/** What every model here does the same way: torchtitan's init, the mask check, the FLOP estimate. */
final class ModelInit {
    private ModelInit() {}

    /** torchtitan's init_weights: embeddings N(0, 1), blocks, final norm ones, output trunc-normal dim^-0.5 at 3 std. */
    static void initEmbeddingsBlocksAndOutput(Tensor tokEmbeddings, List<TransformerBlock> layers, Tensor norm,
                                              Tensor output, int dim) {
        Init.normal(tokEmbeddings, 1.0);
        for (TransformerBlock b : layers) b.init();
        Init.ones(norm);
        double finalStd = Math.pow(dim, -0.5);
        Init.truncNormal(output, finalStd, -3 * finalStd, 3 * finalStd);
    }

    /** Flex flavors need masks from attentionMasks(); sdpa flavors take none. */
    static void checkMasks(boolean flex, AttentionMasks masks) {
        if (flex != (masks != null)) {
            throw new IllegalArgumentException(flex ? "flex attention needs masks from attentionMasks()"
                    : "sdpa attention takes no masks");
        }
    }

    /** torchtitan: 6 * active non-embedding params + 12 * layers * heads * head_dim * seq_len (attention). */
    static double flopsPerToken(Parameters params, Tensor tokEmbeddings, List<TransformerBlock> layers,
                                int nLayers, int nHeads, int headDim, long seqLen) {
        long active = params.count() - tokEmbeddings.numel();
        for (TransformerBlock b : layers) active -= b.feedForward().inactiveParams();
        return 6.0 * active + 12.0 * nLayers * nHeads * headDim * seqLen;
    }
}
