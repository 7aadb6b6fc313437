package dev.losscompare.trainer.model.llama3;

import dev.losscompare.trainer.model.Init;
import dev.losscompare.trainer.model.ModuleProbe;
import dev.losscompare.trainer.model.Ops;
import dev.losscompare.trainer.model.Parameters;
import dev.losscompare.trainer.model.RotaryEmbedding;
import dev.losscompare.trainer.model.ScaledDotProductAttention;
import dev.losscompare.trainer.model.TransformerBlock;
import org.bytedeco.pytorch.Tensor;

/** Grouped-query attention (torchtitan's Attention): wq/wk/wv/wo, optional RoPE, one SDPA call. */
final class GqaAttention implements TransformerBlock.Attention {
    private final Tensor wq, wk, wv, wo;
    private final int nHeads, nKvHeads, headDim;
    private final RotaryEmbedding ropeOrNull;
    private final String qRopeName, kRopeName, sdpaName;

    /** ropeOrNull: null for NoPE layers. */
    GqaAttention(Parameters params, String prefix, int dim, int nHeads, int nKvHeads, RotaryEmbedding ropeOrNull) {
        this.ropeOrNull = ropeOrNull;
        this.qRopeName = prefix + "q_rope";
        this.kRopeName = prefix + "k_rope";
        this.sdpaName = prefix + "sdpa";
        this.nHeads = nHeads;
        this.nKvHeads = nKvHeads;
        this.headDim = dim / nHeads;
        wq = params.create(prefix + "wq.weight", (long) nHeads * headDim, dim);
        wk = params.create(prefix + "wk.weight", (long) nKvHeads * headDim, dim);
        wv = params.create(prefix + "wv.weight", (long) nKvHeads * headDim, dim);
        wo = params.create(prefix + "wo.weight", dim, (long) nHeads * headDim);
    }

    @Override
    public Tensor forward(Tensor x, Tensor maskOrNull) {
        long b = x.size(0), s = x.size(1);
        Tensor q = Ops.linear(x, wq).view(b, s, -1, headDim);
        Tensor k = Ops.linear(x, wk).view(b, s, -1, headDim);
        Tensor v = Ops.linear(x, wv).view(b, s, -1, headDim);
        ModuleProbe probe = ModuleProbe.current();
        if (ropeOrNull != null) {
            q = ropeOrNull.apply(q);
            k = ropeOrNull.apply(k);
            probe.output(qRopeName, q);
            probe.output(kRopeName, k);
        }
        long nRep = nHeads / nKvHeads;
        Tensor out = ScaledDotProductAttention.apply(
                q.transpose(1, 2),
                Ops.repeatKv(k, nRep).transpose(1, 2),
                Ops.repeatKv(v, nRep).transpose(1, 2),
                maskOrNull,
                null); // torchtitan passes no scale: SDPA's default 1/sqrt(head_dim)
        probe.output(sdpaName, out);
        return Ops.linear(out.transpose(1, 2).contiguous().view(b, s, -1), wo);
    }

    @Override
    public void init(double outStd) {
        Init.truncNormal(wq, 0.02);
        Init.truncNormal(wk, 0.02);
        Init.truncNormal(wv, 0.02);
        Init.truncNormal(wo, outStd);
    }
}
