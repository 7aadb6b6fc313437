package dev.losscompare.trainer.model.deepseekv3;

import dev.losscompare.trainer.model.Init;
import dev.losscompare.trainer.model.ModuleProbe;
import dev.losscompare.trainer.model.Ops;
import dev.losscompare.trainer.model.Parameters;
import dev.losscompare.trainer.model.RotaryEmbedding;
import dev.losscompare.trainer.model.ScaledDotProductAttention;
import dev.losscompare.trainer.model.TransformerBlock;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.TensorVector;
import org.bytedeco.pytorch.global.torch;

/**
 * DeepSeek-V3's multi-head latent attention (torchtitan's MLA with q_lora_rank 0): each head's
 * query and key are [no-RoPE part | RoPE part]; keys and values are decompressed from a normed
 * latent, and the RoPE part of the key is one vector shared by all heads. One SDPA call.
 */
final class LatentAttention implements TransformerBlock.Attention {
    private final DeepSeekV3Args args;
    private final Tensor wq, wkvA, kvNorm, wkvB, wo;
    private final RotaryEmbedding rope;
    private final double softmaxScale;
    private final String qRopeName, kRopeName, kvNormName, sdpaName;

    LatentAttention(Parameters params, String prefix, DeepSeekV3Args args, RotaryEmbedding rope) {
        this.args = args;
        this.rope = rope;
        this.qRopeName = prefix + "q_rope";
        this.kRopeName = prefix + "k_rope";
        this.kvNormName = prefix + "kv_norm";
        this.sdpaName = prefix + "sdpa";
        this.softmaxScale = args.softmaxScale(rope.maxSeqLen());
        wq = params.create(prefix + "wq.weight", (long) args.nHeads() * args.qkHeadDim(), args.dim());
        wkvA = params.create(prefix + "wkv_a.weight", args.kvLoraRank() + args.qkRopeHeadDim(), args.dim());
        kvNorm = params.create(prefix + "kv_norm.weight", args.kvLoraRank());
        wkvB = params.create(prefix + "wkv_b.weight",
                (long) args.nHeads() * (args.qkNopeHeadDim() + args.vHeadDim()), args.kvLoraRank());
        wo = params.create(prefix + "wo.weight", args.dim(), (long) args.nHeads() * args.vHeadDim());
    }

    @Override
    public Tensor forward(Tensor x, Tensor maskOrNull) {
        long b = x.size(0), s = x.size(1), h = args.nHeads();
        long nope = args.qkNopeHeadDim(), ropeDim = args.qkRopeHeadDim();
        ModuleProbe probe = ModuleProbe.current();

        Tensor q = Ops.linear(x, wq).view(b, s, h, args.qkHeadDim());
        Tensor qRoped = rope.apply(q.narrow(3, nope, ropeDim));
        q = torch.cat(new TensorVector(q.narrow(3, 0, nope), qRoped), 3);
        probe.output(qRopeName, q);

        Tensor kv = Ops.linear(x, wkvA);
        Tensor latent = kv.narrow(2, 0, args.kvLoraRank());
        Tensor kRope = rope.apply(kv.narrow(2, args.kvLoraRank(), ropeDim).unsqueeze(2)); // (B, S, 1, rope)
        Tensor latentNormed = Ops.rmsNorm(latent, kvNorm, args.normEps());
        probe.output(kvNormName, latentNormed);
        Tensor decompressed = Ops.linear(latentNormed, wkvB).view(b, s, h, nope + args.vHeadDim());
        Tensor k = torch.cat(new TensorVector(decompressed.narrow(3, 0, nope), kRope.expand(b, s, h, ropeDim)), 3);
        probe.output(kRopeName, k);
        Tensor v = decompressed.narrow(3, nope, args.vHeadDim());

        Tensor out = ScaledDotProductAttention.apply(q.transpose(1, 2), k.transpose(1, 2), v.transpose(1, 2),
                maskOrNull, softmaxScale);
        probe.output(sdpaName, out);
        return Ops.linear(out.transpose(1, 2).contiguous().view(b, s, -1), wo);
    }

    @Override
    public void init(double outStd) {
        // Draw order wkv_a, wkv_b, wq, then wo (models/deepseek_v3/model/model.py:265-276).
        Init.truncNormal(wkvA, 0.02);
        Init.truncNormal(wkvB, 0.02);
        Init.truncNormal(wq, 0.02);
        Init.truncNormal(wo, outStd);
        Init.ones(kvNorm);
    }
}
