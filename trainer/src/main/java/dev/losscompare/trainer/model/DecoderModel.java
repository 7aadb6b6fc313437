package dev.losscompare.trainer.model;

import java.util.List;
import org.bytedeco.pytorch.Tensor;

/**
 * A {@link Model} made of a {@link DecoderStack}: everything but the attention masks is the
 * stack's, so each family only builds its blocks and says which mask a layer attends under.
 */
public abstract class DecoderModel implements Model {
    private final DecoderStack stack;
    private final boolean flexAttention;
    private final int nHeads;
    private final int headDim;

    /** {@code nHeads} and {@code headDim}: the attention shape torchtitan's FLOP estimate counts. */
    protected DecoderModel(DecoderStack stack, boolean flexAttention, int nHeads, int headDim) {
        this.stack = stack;
        this.flexAttention = flexAttention;
        this.nHeads = nHeads;
        this.headDim = headDim;
    }

    /** The mask layer {@code layerId} attends under, from this step's (non-null) masks. */
    protected Tensor maskOfLayer(AttentionMasks masks, int layerId) {
        return masks.global();
    }

    @Override
    public final Tensor forward(Tensor tokens, AttentionMasks masks) {
        // Flex flavors need masks from attentionMasks(); sdpa flavors take none.
        if (flexAttention != (masks != null)) {
            throw new IllegalArgumentException(flexAttention ? "flex attention needs masks from attentionMasks()"
                    : "sdpa attention takes no masks");
        }
        return stack.forward(tokens, i -> masks == null ? null : maskOfLayer(masks, i));
    }

    @Override
    public final Parameters parameters() {
        return stack.parameters();
    }

    @Override
    public final void afterOptimizerStep() {
        stack.afterOptimizerStep();
    }

    @Override
    public final List<Tensor> loadBalanceCounts() {
        return stack.loadBalanceCounts();
    }

    @Override
    public final double flopsPerToken(long seqLen) {
        return stack.flopsPerToken(nHeads, headDim, seqLen);
    }
}
