package dev.losscompare.trainer.model;

import java.util.ArrayList;
import java.util.List;
import org.bytedeco.pytorch.Device;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.global.torch;

/**
 * The llama3 transformer (torchtitan's llama3 model): token embedding, pre-norm blocks of GQA
 * attention with RoPE and a SwiGLU feed-forward, final RMSNorm, untied output projection.
 */
public final class Llama3 implements Model {
    private final Llama3Args args;
    private final Parameters params;
    private final RotaryEmbedding rope;
    private final Tensor tokEmbeddings;
    private final List<Block> layers = new ArrayList<>();
    private final Tensor norm;
    private final Tensor output;

    public Llama3(Llama3Args args, long maxSeqLen, Device device) {
        this.args = args;
        this.params = new Parameters(device);
        this.rope = new RotaryEmbedding(args.headDim(), maxSeqLen, args.ropeTheta(), args.ropeScaling(), device);
        this.tokEmbeddings = params.create("tok_embeddings.weight", args.vocabSize(), args.dim());
        for (int i = 0; i < args.nLayers(); i++) layers.add(new Block(i));
        this.norm = params.create("norm.weight", args.dim());
        this.output = params.create("output.weight", args.vocabSize(), args.dim());
        initWeights();
    }

    /** One pre-norm transformer block: h = x + attn(norm(x)); out = h + ffn(norm(h)). */
    private final class Block {
        final Tensor attentionNorm, wq, wk, wv, wo, ffnNorm, w1, w2, w3;
        final double initStd;

        Block(int layerId) {
            String p = "layers." + layerId + ".";
            int hd = args.headDim();
            attentionNorm = params.create(p + "attention_norm.weight", args.dim());
            wq = params.create(p + "attention.wq.weight", (long) args.nHeads() * hd, args.dim());
            wk = params.create(p + "attention.wk.weight", (long) args.nKvHeads() * hd, args.dim());
            wv = params.create(p + "attention.wv.weight", (long) args.nKvHeads() * hd, args.dim());
            wo = params.create(p + "attention.wo.weight", args.dim(), (long) args.nHeads() * hd);
            ffnNorm = params.create(p + "ffn_norm.weight", args.dim());
            w1 = params.create(p + "feed_forward.w1.weight", args.ffnHidden(), args.dim());
            w2 = params.create(p + "feed_forward.w2.weight", args.dim(), args.ffnHidden());
            w3 = params.create(p + "feed_forward.w3.weight", args.ffnHidden(), args.dim());
            initStd = 0.02 / Math.sqrt(2.0 * (layerId + 1)); // torchtitan's depth_init
        }

        Tensor forward(Tensor x, Tensor mask) {
            Tensor h = x.add(attention(Ops.rmsNorm(x, attentionNorm, args.normEps()), mask));
            return h.add(Ops.swiglu(Ops.rmsNorm(h, ffnNorm, args.normEps()), w1, w2, w3));
        }

        Tensor attention(Tensor x, Tensor mask) {
            long b = x.size(0), s = x.size(1), hd = args.headDim();
            Tensor q = rope.apply(Ops.linear(x, wq).view(b, s, -1, hd));
            Tensor k = rope.apply(Ops.linear(x, wk).view(b, s, -1, hd));
            Tensor v = Ops.linear(x, wv).view(b, s, -1, hd);
            long nRep = args.nHeads() / args.nKvHeads();
            Tensor out = ScaledDotProductAttention.apply(
                    q.transpose(1, 2),
                    Ops.repeatKv(k, nRep).transpose(1, 2),
                    Ops.repeatKv(v, nRep).transpose(1, 2),
                    mask,
                    1.0 / Math.sqrt(hd));
            return Ops.linear(out.transpose(1, 2).contiguous().view(b, s, -1), wo);
        }

        void init() {
            Init.ones(attentionNorm);
            Init.ones(ffnNorm);
            for (Tensor t : new Tensor[] {wq, wk, wv}) Init.truncNormal(t, 0.02);
            Init.truncNormal(wo, initStd);
            Init.truncNormal(w1, 0.02);
            Init.truncNormal(w2, initStd);
            Init.truncNormal(w3, initStd);
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
        return args.flexAttention() ? AttentionMasks.of(MaskFactory.blockCausal(tokens, eosId)) : null;
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
        Tensor mask = masks == null ? null : masks.global();
        Tensor h = torch.embedding(tokEmbeddings, tokens);
        for (Block layer : layers) h = layer.forward(h, mask);
        return Ops.linear(Ops.rmsNorm(h, norm, args.normEps()), output);
    }

    @Override
    public Parameters parameters() {
        return params;
    }

    @Override
    public double flopsPerToken(long seqLen) {
        // torchtitan: 6 * non-embedding params + 12 * layers * heads * head_dim * seq_len (attention).
        long nonEmbedding = params.count() - tokEmbeddings.numel();
        return 6.0 * nonEmbedding + 12.0 * args.nLayers() * args.nHeads() * args.headDim() * seqLen;
    }
}
