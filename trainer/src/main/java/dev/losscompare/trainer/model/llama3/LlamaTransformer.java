package dev.losscompare.trainer.model.llama3;

import dev.losscompare.trainer.model.AttentionMasks;
import dev.losscompare.trainer.model.DecoderModel;
import dev.losscompare.trainer.model.DecoderStack;
import dev.losscompare.trainer.model.FeedForward;
import dev.losscompare.trainer.model.MaskFactory;
import dev.losscompare.trainer.model.MoE;
import dev.losscompare.trainer.model.RotaryEmbedding;
import dev.losscompare.trainer.model.TransformerBlock;
import org.bytedeco.pytorch.Device;
import org.bytedeco.pytorch.Tensor;

/**
 * The llama-family transformer (torchtitan's llama3, and llama4, which is llama3's model with MoE
 * layers and iRoPE): pre-norm blocks of GQA attention and a SwiGLU or MoE feed-forward. iRoPE
 * layers (llama4) choose between the chunked and the global mask, and NoPE layers get no rotary
 * embedding.
 */
public final class LlamaTransformer extends DecoderModel {
    private final LlamaArgs args;

    public LlamaTransformer(LlamaArgs args, long maxSeqLen, Device device) {
        this(args, RotaryEmbedding.llama(args.headDim(), maxSeqLen, args.ropeTheta(), args.ropeScaling(), device), device);
    }

    private LlamaTransformer(LlamaArgs args, RotaryEmbedding rope, Device device) {
        super(new DecoderStack(device, args.vocabSize(), args.dim(), args.nLayers(), args.normEps(),
                (params, i) -> new TransformerBlock(params, i, args.dim(), args.normEps(),
                        TransformerBlock.ParamOrder.NORMS_LAST,
                        prefix -> new GqaAttention(params, prefix, args.dim(), args.nHeads(), args.nKvHeads(),
                                args.usesRope(i) ? rope : null),
                        prefix -> !args.moeEnabled(i)
                                ? new FeedForward(params, prefix + "feed_forward.", args.dim(), args.ffnHidden())
                                : new MoE(params, prefix + "moe.", args.dim(), args.moeHiddenDim(), args.moe()))),
                args.flexAttention(), args.nHeads(), args.headDim());
        this.args = args;
    }

    @Override
    public AttentionMasks attentionMasks(Tensor tokens, long eosId) {
        if (!args.flexAttention()) return null;
        Tensor global = MaskFactory.blockCausal(tokens, eosId);
        Tensor local = args.iRope()
                ? MaskFactory.chunkedBlockCausal(tokens, eosId, args.fixedAttnBlockSize()) : null;
        return new AttentionMasks(global, local);
    }

    @Override
    protected Tensor maskOfLayer(AttentionMasks masks, int layerId) {
        return args.chunkedAttention(layerId) ? masks.local() : masks.global();
    }
}
