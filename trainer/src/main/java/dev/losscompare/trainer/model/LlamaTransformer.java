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
    private final RotaryEmbedding rope;
    private final Tensor tokEmbeddings;
    private final List<Block> layers = new ArrayList<>();
    private final Tensor norm;
    private final Tensor output;

    public LlamaTransformer(LlamaArgs args, long maxSeqLen, Device device) {
        this.args = args;
        this.params = new Parameters(device);
        this.rope = new RotaryEmbedding(args.headDim(), maxSeqLen, args.ropeTheta(), args.ropeScaling(), device);
        this.tokEmbeddings = params.create("tok_embeddings.weight", args.vocabSize(), args.dim());
        for (int i = 0; i < args.nLayers(); i++) layers.add(new Block(i));
        this.norm = params.create("norm.weight", args.dim());
        this.output = params.create("output.weight", args.vocabSize(), args.dim());
        initWeights();
    }

    /** One pre-norm block: h = x + attention(norm(x)); out = h + ffn(norm(h)). */
    private final class Block {
        final int layerId;
        final Tensor attentionNorm, ffnNorm;
        final GqaAttention attention;
        final FeedForward feedForward;
        final MoE moe;
        final double initStd;

        Block(int layerId) {
            this.layerId = layerId;
            String p = "layers." + layerId + ".";
            attentionNorm = params.create(p + "attention_norm.weight", args.dim());
            attention = new GqaAttention(params, p + "attention.", args.dim(), args.nHeads(), args.nKvHeads());
            ffnNorm = params.create(p + "ffn_norm.weight", args.dim());
            feedForward = args.moe() == null ? new FeedForward(params, p + "feed_forward.", args.dim(), args.ffnHidden()) : null;
            moe = args.moe() == null ? null : new MoE(params, p + "moe.", args.dim(), args.moe());
            initStd = 0.02 / Math.sqrt(2.0 * (layerId + 1)); // torchtitan's depth_init
        }

        Tensor forward(Tensor x, AttentionMasks masks) {
            Tensor mask = masks == null ? null : args.chunkedAttention(layerId) ? masks.local() : masks.global();
            RotaryEmbedding layerRope = args.usesRope(layerId) ? rope : null;
            Tensor h = x.add(attention.forward(Ops.rmsNorm(x, attentionNorm, args.normEps()), layerRope, mask));
            Tensor normed = Ops.rmsNorm(h, ffnNorm, args.normEps());
            return h.add(moe != null ? moe.forward(normed) : feedForward.forward(normed));
        }

        void init() {
            Init.ones(attentionNorm);
            Init.ones(ffnNorm);
            attention.init(initStd);
            if (moe != null) moe.init(initStd);
            else feedForward.init(initStd);
        }
    }

    private void initWeights() {
        Init.normal(tokEmbeddings, 1.0);
        for (Block b : layers) b.init();
        Init.ones(norm);
        double finalStd = Math.pow(args.dim(), -0.5);
        Init.truncNormal(output, finalStd, -3 * finalStd, 3 * finalStd);
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
        if (tokens.size(1) > rope.maxSeqLen()) {
            throw new IllegalArgumentException("sequence of " + tokens.size(1) + " exceeds max_seq_len " + rope.maxSeqLen());
        }
        if (args.flexAttention() != (masks != null)) {
            throw new IllegalArgumentException(args.flexAttention()
                    ? "flex attention needs masks from attentionMasks()" : "sdpa attention takes no masks");
        }
        Tensor h = torch.embedding(tokEmbeddings, tokens);
        for (Block layer : layers) h = layer.forward(h, masks);
        return Ops.linear(Ops.rmsNorm(h, norm, args.normEps()), output);
    }

    @Override
    public Parameters parameters() {
        return params;
    }

    @Override
    public void afterOptimizerStep() {
        for (Block b : layers) if (b.moe != null) b.moe.afterOptimizerStep();
    }

    @Override
    public double flopsPerToken(long seqLen) {
        // torchtitan: 6 * active non-embedding params + 12 * layers * heads * head_dim * seq_len.
        long active = params.count() - tokEmbeddings.numel();
        for (Block b : layers) {
            if (b.moe == null) continue;
            long allExperts = 3L * args.moe().numExperts() * args.dim() * args.moe().hiddenDim();
            long sharedAndRouter = args.moe().numSharedExperts() * 3L * args.dim() * args.moe().hiddenDim()
                    + (long) args.dim() * args.moe().numExperts();
            active -= allExperts + sharedAndRouter;
            active += b.moe.activeParams(args.dim());
        }
        return 6.0 * active + 12.0 * args.nLayers() * args.nHeads() * args.headDim() * seqLen;
    }

    /** The MoE load-balancing bias of a layer (tests look at it), or null for dense layers. */
    Tensor expertBias(int layerId) {
        MoE moe = layers.get(layerId).moe;
        return moe == null ? null : moe.expertBias();
    }
}
