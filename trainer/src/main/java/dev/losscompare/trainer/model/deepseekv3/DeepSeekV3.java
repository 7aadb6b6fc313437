package dev.losscompare.trainer.model.deepseekv3;

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
 * torchtitan's deepseek_v3: pre-norm blocks of multi-head latent attention and a dense SwiGLU
 * (first layers) or MoE with shared experts (the rest). RoPE covers only the qk_rope_head_dim
 * part of each head.
 */
public final class DeepSeekV3 extends DecoderModel {
    private final DeepSeekV3Args args;

    public DeepSeekV3(DeepSeekV3Args args, long maxSeqLen, Device device) {
        // YaRN and its softmax factor apply when seq_len exceeds original_seq_len (4096).
        this(args, RotaryEmbedding.deepseek(args.qkRopeHeadDim(), maxSeqLen, args.ropeTheta(), args.yarn(), device), device);
    }

    private DeepSeekV3(DeepSeekV3Args args, RotaryEmbedding rope, Device device) {
        // The final norm is nn.RMSNorm(dim) with the default eps (models/deepseek_v3/model/model.py:358).
        super(new DecoderStack(device, args.vocabSize(), args.dim(), args.nLayers(), null,
                (params, i) -> new TransformerBlock(params, i, args.dim(), args.normEps(),
                        TransformerBlock.ParamOrder.NORMS_BEFORE_FEED_FORWARD,
                        prefix -> new LatentAttention(params, prefix, args, rope),
                        prefix -> i < args.nDenseLayers()
                                ? new FeedForward(params, prefix + "feed_forward.", args.dim(), args.interDim())
                                : new MoE(params, prefix + "moe.", args.dim(), args.moeInterDim(), args.moe()))),
                args.flexAttention(), args.nHeads(), args.qkHeadDim());
        this.args = args;
    }

    @Override
    public AttentionMasks attentionMasks(Tensor tokens, long eosId) {
        return args.flexAttention() ? AttentionMasks.of(MaskFactory.blockCausal(tokens, eosId)) : null;
    }
}
