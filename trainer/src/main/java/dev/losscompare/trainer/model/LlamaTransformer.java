package dev.losscompare.trainer.model;

import org.bytedeco.pytorch.Device;
import org.bytedeco.pytorch.Tensor;

/**
 * The llama-family transformer (torchtitan's llama3 and llama4): pre-norm blocks of GQA attention
 * and a SwiGLU or MoE feed-forward. iRoPE layers (llama4) choose between the chunked and the
 * global mask, and NoPE layers get no rotary embedding.
 */
public final class LlamaTransformer implements Model {
    private final LlamaArgs args;
    private final DecoderStack stack;

    public LlamaTransformer(LlamaArgs args, long maxSeqLen, Device device) {
        this.args = args;
        RotaryEmbedding rope = RotaryEmbedding.llama(args.headDim(), maxSeqLen, args.ropeTheta(), args.ropeScaling(), device);
        this.stack = new DecoderStack(device, args.vocabSize(), args.dim(), args.nLayers(), args.normEps(),
                (params, i) -> new TransformerBlock(params, i, args.dim(), args.normEps(),
                        TransformerBlock.ParamOrder.NORMS_LAST,
                        prefix -> new GqaAttention(params, prefix, args.dim(), args.nHeads(), args.nKvHeads(),
                                args.usesRope(i) ? rope : null),
                        prefix -> !args.moeEnabled(i)
                                ? new FeedForward(params, prefix + "feed_forward.", args.dim(), args.ffnHidden())
                                : new MoE(params, prefix + "moe.", args.dim(), args.moe())));
    }

    @Override
    public AttentionMasks attentionMasks(Tensor tokens, long eosId) {
        if (!args.flexAttention()) return null;
        Tensor global = MaskFactory.blockCausal(tokens, eosId);
        Tensor local = args.fixedAttnBlockSize() > 0
                ? MaskFactory.chunkedBlockCausal(tokens, eosId, args.fixedAttnBlockSize()) : null;
        return new AttentionMasks(global, local);
    }

    @Override
    public Tensor forward(Tensor tokens, AttentionMasks masks) {
        DecoderStack.checkMasks(args.flexAttention(), masks);
        return stack.forward(tokens, i -> masks == null ? null : args.chunkedAttention(i) ? masks.local() : masks.global());
    }

    @Override
    public Parameters parameters() {
        return stack.parameters();
    }

    @Override
    public void afterOptimizerStep() {
        stack.afterOptimizerStep();
    }

    @Override
    public java.util.List<Tensor> loadBalanceCounts() {
        return stack.loadBalanceCounts();
    }

    @Override
    public double flopsPerToken(long seqLen) {
        return stack.flopsPerToken(args.nHeads(), args.headDim(), seqLen);
    }
}
