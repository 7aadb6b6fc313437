package dev.losscompare.trainer.model;

import java.util.ArrayList;
import java.util.List;
import org.bytedeco.pytorch.Device;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.global.torch;

/**
 * The llama-family transformer (torchtitan's llama3 and llama4): token embedding, pre-norm blocks
 * of GQA attention and a SwiGLU or MoE feed-forward, final RMSNorm, untied output projection.
 */
public final class LlamaTransformer implements Model {
    private final LlamaArgs args;
    private final Parameters params;
    private final Tensor tokEmbeddings;
    private final List<TransformerBlock> layers = new ArrayList<>();
    private final Tensor norm;
    private final Tensor output;

    public LlamaTransformer(LlamaArgs args, long maxSeqLen, Device device) {
        this.args = args;
        this.params = new Parameters(device);
        RotaryEmbedding rope = new RotaryEmbedding(args.headDim(), maxSeqLen, args.ropeTheta(), args.ropeScaling(), device);
        this.tokEmbeddings = params.create("tok_embeddings.weight", args.vocabSize(), args.dim());
        for (int i = 0; i < args.nLayers(); i++) {
            RotaryEmbedding layerRope = args.usesRope(i) ? rope : null; // iRoPE: NoPE layers get none
            layers.add(new TransformerBlock(params, i, args.dim(), args.normEps(),
                    prefix -> new GqaAttention(params, prefix, args.dim(), args.nHeads(), args.nKvHeads(), layerRope),
                    prefix -> args.moe() == null
                            ? new FeedForward(params, prefix + "feed_forward.", args.dim(), args.ffnHidden())
                            : new MoE(params, prefix + "moe.", args.dim(), args.moe())));
        }
        this.norm = params.create("norm.weight", args.dim());
        this.output = params.create("output.weight", args.vocabSize(), args.dim());
        ModelInit.initEmbeddingsBlocksAndOutput(tokEmbeddings, layers, norm, output, args.dim());
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
        ModelInit.checkMasks(args.flexAttention(), masks);
        Tensor h = torch.embedding(tokEmbeddings, tokens);
        for (int i = 0; i < layers.size(); i++) {
            Tensor mask = masks == null ? null : args.chunkedAttention(i) ? masks.local() : masks.global();
            h = layers.get(i).forward(h, mask);
        }
        return Ops.linear(Ops.rmsNorm(h, norm, args.normEps()), output);
    }

    @Override
    public Parameters parameters() {
        return params;
    }

    @Override
    public void afterOptimizerStep() {
        for (TransformerBlock b : layers) b.feedForward().afterOptimizerStep();
    }

    @Override
    public double flopsPerToken(long seqLen) {
        return ModelInit.flopsPerToken(params, tokEmbeddings, layers, args.nLayers(), args.nHeads(), args.headDim(), seqLen);
    }
}
