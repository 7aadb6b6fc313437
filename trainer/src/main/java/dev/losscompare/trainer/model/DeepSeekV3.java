package dev.losscompare.trainer.model;

import java.util.ArrayList;
import java.util.List;
import org.bytedeco.pytorch.Device;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.global.torch;

/**
 * torchtitan's deepseek_v3: token embedding, pre-norm blocks of multi-head latent attention and a
 * dense SwiGLU (first layers) or MoE with shared experts (the rest), final RMSNorm, output head.
 * RoPE covers only the qk_rope_head_dim part of each head.
 */
public final class DeepSeekV3 implements Model {
    private final DeepSeekV3Args args;
    private final Parameters params;
    private final Tensor tokEmbeddings;
    private final List<TransformerBlock> layers = new ArrayList<>();
    private final Tensor norm;
    private final Tensor output;

    public DeepSeekV3(DeepSeekV3Args args, long maxSeqLen, Device device) {
        this.args = args;
        this.params = new Parameters(device);
        // No YaRN correction: it applies only beyond original_seq_len (4096), far above our windows.
        RotaryEmbedding rope = new RotaryEmbedding(args.qkRopeHeadDim(), maxSeqLen, args.ropeTheta(), null, device);
        this.tokEmbeddings = params.create("tok_embeddings.weight", args.vocabSize(), args.dim());
        for (int i = 0; i < args.nLayers(); i++) {
            boolean dense = i < args.nDenseLayers();
            layers.add(new TransformerBlock(params, i, args.dim(), args.normEps(),
                    prefix -> new LatentAttention(params, prefix, args, rope),
                    prefix -> dense
                            ? new FeedForward(params, prefix + "feed_forward.", args.dim(), args.interDim())
                            : new MoE(params, prefix + "moe.", args.dim(), args.moe())));
        }
        this.norm = params.create("norm.weight", args.dim());
        this.output = params.create("output.weight", args.vocabSize(), args.dim());
        ModelInit.initEmbeddingsBlocksAndOutput(tokEmbeddings, layers, norm, output, args.dim());
    }

    @Override
    public AttentionMasks attentionMasks(Tensor tokens, long eosId) {
        return args.flexAttention() ? AttentionMasks.of(MaskFactory.blockCausal(tokens, eosId)) : null;
    }

    @Override
    public Tensor forward(Tensor tokens, AttentionMasks masks) {
        ModelInit.checkMasks(args.flexAttention(), masks);
        Tensor mask = masks == null ? null : masks.global();
        Tensor h = torch.embedding(tokEmbeddings, tokens);
        for (TransformerBlock layer : layers) h = layer.forward(h, mask);
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
        return ModelInit.flopsPerToken(params, tokEmbeddings, layers, args.nLayers(), args.nHeads(), args.qkHeadDim(), seqLen);
    }
}
