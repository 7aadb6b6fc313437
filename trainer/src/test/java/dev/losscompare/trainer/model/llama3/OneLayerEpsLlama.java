package dev.losscompare.trainer.model.llama3;

import dev.losscompare.trainer.model.AttentionMasks;
import dev.losscompare.trainer.model.DecoderModel;
import dev.losscompare.trainer.model.DecoderStack;
import dev.losscompare.trainer.model.FeedForward;
import dev.losscompare.trainer.model.RotaryEmbedding;
import dev.losscompare.trainer.model.TransformerBlock;
import org.bytedeco.pytorch.Device;
import org.bytedeco.pytorch.Tensor;

/**
 * Test-only: the llama3 sdpa model built exactly like LlamaTransformer, except that one layer's
 * RMSNorm eps is changed, the kind of slip a trace must locate.
 */
final class OneLayerEpsLlama extends DecoderModel {
    OneLayerEpsLlama(LlamaArgs args, long maxSeqLen, Device device, int layer, double eps) {
        this(args, RotaryEmbedding.llama(args.headDim(), maxSeqLen, args.ropeTheta(), args.ropeScaling(), device),
                device, layer, eps);
    }

    private OneLayerEpsLlama(LlamaArgs args, RotaryEmbedding rope, Device device, int layer, double eps) {
        super(new DecoderStack(device, args.vocabSize(), args.dim(), args.nLayers(), args.normEps(),
                (params, i) -> new TransformerBlock(params, i, args.dim(), i == layer ? eps : args.normEps(),
                        TransformerBlock.ParamOrder.NORMS_LAST,
                        prefix -> new GqaAttention(params, prefix, args.dim(), args.nHeads(), args.nKvHeads(), rope),
                        prefix -> new FeedForward(params, prefix + "feed_forward.", args.dim(), args.ffnHidden()))),
                false, args.nHeads(), args.headDim());
    }

    @Override
    public AttentionMasks attentionMasks(Tensor tokens, long eosId) {
        return null;
    }
}
