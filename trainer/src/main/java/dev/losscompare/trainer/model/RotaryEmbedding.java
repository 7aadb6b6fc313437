package dev.losscompare.trainer.model;

import org.bytedeco.pytorch.Device;
import org.bytedeco.pytorch.Scalar;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.TensorVector;
import org.bytedeco.pytorch.global.torch;

/**
 * Rotary position embedding on interleaved pairs (x[2i], x[2i+1]), torchtitan's complex
 * formulation written with real cos/sin tables. The tables are computed with libtorch ops in
 * float32, step for step like torchtitan's precompute_freqs_cis (llama-3 scaling, or DeepSeek's
 * YaRN), so no number depends on the JVM's java.lang.Math.
 */
public final class RotaryEmbedding {
    /** llama-3.1 RoPE scaling (torchtitan's RoPEScalingArgs; each llama family has its own defaults). */
    public record Scaling(double factor, double lowFreqFactor, double highFreqFactor, double originalMaxPositions) {}

    /**
     * DeepSeek's YaRN context extension (models/deepseek_v3/model/args.py:83-88), applied only when
     * the table is longer than originalSeqLen (model.py:111).
     */
    public record Yarn(long originalSeqLen, double factor, double betaFast, double betaSlow, double mscale) {
        public boolean appliesTo(long seqLen) {
            return seqLen > originalSeqLen;
        }

        /** The attention scale at seqLen: the base scale times mscale twice when YaRN applies (model.py:181-185). */
        public double softmaxScale(double baseScale, long seqLen) {
            if (!appliesTo(seqLen)) return baseScale;
            double m = 0.1 * mscale * StrictMath.log(factor) + 1.0;
            return baseScale * m * m;
        }
    }

    private final Tensor cos;
    private final Tensor sin;
    private final long halfDim;

    private RotaryEmbedding(Tensor freqs, long end, Device device) {
        this.halfDim = freqs.size(0);
        // t = arange(end); outer(t, freqs); polar(ones, angles) (models/llama3/model/model.py:82-84).
        Tensor t = torch.arange(new Scalar(end), Ops.options(torch.ScalarType.Long));
        Tensor angles = torch.outer(t, freqs).to(torch.ScalarType.Float);
        Tensor cis = torch.view_as_real(torch.polar(torch.ones_like(angles), angles)); // (end, half, 2)
        this.cos = cis.select(2, 0).contiguous().to(device, torch.ScalarType.Float);
        this.sin = cis.select(2, 1).contiguous().to(device, torch.ScalarType.Float);
        cos.retainReference();
        sin.retainReference();
    }

    /** llama3/llama4: models/llama3/model/model.py:59-85 (llama4's copy: experiments/llama4/model/model.py:59-86). */
    public static RotaryEmbedding llama(long dim, long end, double theta, Scaling scalingOrNull, Device device) {
        // freqs = 1 / theta ** (arange(0, dim, 2)[: dim // 2].float() / dim)
        Tensor exponents = torch.arange(new Scalar(0L), new Scalar(dim), new Scalar(2L), Ops.options(torch.ScalarType.Long))
                .narrow(0, 0, dim / 2).to(torch.ScalarType.Float).div(new Scalar(dim));
        Tensor freqs = torch.pow(new Scalar(theta), exponents).reciprocal();
        if (scalingOrNull != null) freqs = llamaScaled(freqs, scalingOrNull);
        return new RotaryEmbedding(freqs, end, device);
    }

    private static Tensor llamaScaled(Tensor freqs, Scaling s) {
        Tensor wavelen = freqs.reciprocal().mul(new Scalar(2 * StrictMath.PI));
        double highFreqWavelen = s.originalMaxPositions() / s.highFreqFactor();
        double lowFreqWavelen = s.originalMaxPositions() / s.lowFreqFactor();
        freqs = torch.where(wavelen.gt(new Scalar(lowFreqWavelen)), freqs.div(new Scalar(s.factor())), freqs);
        // With low == high frequency factors (llama4) this divides by zero; torch.where never picks it.
        Tensor smooth = wavelen.reciprocal().mul(new Scalar(s.originalMaxPositions()))
                .sub(new Scalar(s.lowFreqFactor())).div(new Scalar(s.highFreqFactor() - s.lowFreqFactor()));
        Tensor smoothed = torch.rsub(smooth, new Scalar(1.0)).mul(freqs).div(new Scalar(s.factor())).add(smooth.mul(freqs));
        Tensor medium = wavelen.ge(new Scalar(highFreqWavelen)).logical_and(wavelen.le(new Scalar(lowFreqWavelen)));
        return torch.where(medium, smoothed, freqs);
    }

    /** deepseek_v3: models/deepseek_v3/model/model.py:30-126. */
    public static RotaryEmbedding deepseek(long dim, long end, double base, Yarn yarn, Device device) {
        Tensor exponents = torch.arange(new Scalar(0L), new Scalar(dim), new Scalar(2L), Ops.options(torch.ScalarType.Float))
                .div(new Scalar(dim));
        Tensor freqs = torch.pow(new Scalar(base), exponents).reciprocal();
        if (yarn.appliesTo(end)) {
            long low = Math.max((long) StrictMath.floor(correctionDim(yarn.betaFast(), dim, base, yarn.originalSeqLen())), 0);
            long high = Math.min((long) StrictMath.ceil(correctionDim(yarn.betaSlow(), dim, base, yarn.originalSeqLen())), dim - 1);
            double max = low == high ? high + 0.001 : high;
            Tensor ramp = torch.arange(new Scalar(dim / 2), Ops.options(torch.ScalarType.Float))
                    .sub(new Scalar((double) low)).div(new Scalar(max - low))
                    .clamp(new org.bytedeco.pytorch.ScalarOptional(new Scalar(0.0)),
                            new org.bytedeco.pytorch.ScalarOptional(new Scalar(1.0)));
            Tensor smooth = torch.rsub(ramp, new Scalar(1.0));
            freqs = freqs.div(new Scalar(yarn.factor())).mul(torch.rsub(smooth, new Scalar(1.0))).add(freqs.mul(smooth));
        }
        return new RotaryEmbedding(freqs, end, device);
    }

    /** model.py:62-66: dim * log(max_seq_len / (num_rotations * 2 pi)) / (2 log(base)). */
    private static double correctionDim(double numRotations, long dim, double base, long maxSeqLen) {
        return dim * StrictMath.log(maxSeqLen / (numRotations * 2 * StrictMath.PI)) / (2 * StrictMath.log(base));
    }

    /**
     * x: (B, S, H, D) with D == rotaryDim. Rotates in float32 and returns x's dtype, like
     * torchtitan's apply_rotary_emb (x.float() ... type_as(x)).
     */
    public Tensor apply(Tensor x) {
        long b = x.size(0), s = x.size(1), h = x.size(2);
        Tensor pairs = x.to(torch.ScalarType.Float).reshape(b, s, h, halfDim, 2);
        Tensor x0 = pairs.select(4, 0), x1 = pairs.select(4, 1);
        Tensor c = cos.narrow(0, 0, s).view(1, s, 1, halfDim);
        Tensor sn = sin.narrow(0, 0, s).view(1, s, 1, halfDim);
        Tensor out0 = x0.mul(c).sub(x1.mul(sn));
        Tensor out1 = x0.mul(sn).add(x1.mul(c));
        TensorVector both = new TensorVector(out0, out1);
        return torch.stack(both, 4).reshape(b, s, h, halfDim * 2).to(x.scalar_type());
    }

    public long maxSeqLen() {
        return cos.size(0);
    }
}
