package dev.losscompare.trainer.model;

import org.bytedeco.pytorch.Device;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.TensorOptions;
import org.bytedeco.pytorch.TensorVector;
import org.bytedeco.pytorch.global.torch;

/**
 * Rotary position embedding on interleaved pairs (x[2i], x[2i+1]), as torchtitan's complex
 * formulation, written with real cos/sin tables. Optional llama-3 frequency scaling.
 */
public final class RotaryEmbedding {
    /** llama-3.1 RoPE scaling (torchtitan's RoPEScalingArgs defaults). */
    public record Scaling(double factor, double lowFreqFactor, double highFreqFactor, double originalMaxPositions) {
        public static final Scaling LLAMA3 = new Scaling(8.0, 1.0, 4.0, 8192);
        /** torchtitan's llama4 debug RoPE: scaling factor 16, low and high frequency factors 1. */
        public static final Scaling LLAMA4 = new Scaling(16.0, 1.0, 1.0, 8192);
    }

    private final Tensor cos;
    private final Tensor sin;
    private final long halfDim;

    public RotaryEmbedding(long rotaryDim, long maxSeqLen, double theta, Scaling scalingOrNull, Device device) {
        this.halfDim = rotaryDim / 2;
        double[] freqs = new double[(int) halfDim];
        for (int i = 0; i < halfDim; i++) {
            // Computed in float32 like torch's reference so the tables match it bit for bit.
            float exponent = (float) (2 * i) / (float) rotaryDim;
            freqs[i] = 1.0f / (float) Math.pow(theta, exponent);
        }
        if (scalingOrNull != null) scale(freqs, scalingOrNull);
        float[] cosTable = new float[(int) (maxSeqLen * halfDim)];
        float[] sinTable = new float[cosTable.length];
        for (int t = 0; t < maxSeqLen; t++) {
            for (int i = 0; i < halfDim; i++) {
                float angle = (float) t * (float) freqs[i];
                cosTable[(int) (t * halfDim + i)] = (float) Math.cos(angle);
                sinTable[(int) (t * halfDim + i)] = (float) Math.sin(angle);
            }
        }
        TensorOptions opts = Ops.options(torch.ScalarType.Float);
        this.cos = torch.tensor(cosTable, opts).view(maxSeqLen, halfDim).to(device, torch.ScalarType.Float);
        this.sin = torch.tensor(sinTable, opts).view(maxSeqLen, halfDim).to(device, torch.ScalarType.Float);
        cos.retainReference();
        sin.retainReference();
    }

    private static void scale(double[] freqs, Scaling s) {
        double lowFreqWavelen = s.originalMaxPositions() / s.lowFreqFactor();
        double highFreqWavelen = s.originalMaxPositions() / s.highFreqFactor();
        for (int i = 0; i < freqs.length; i++) {
            double f = freqs[i];
            double wavelen = 2 * Math.PI / f;
            double scaled = wavelen > lowFreqWavelen ? f / s.factor() : f;
            if (wavelen >= highFreqWavelen && wavelen <= lowFreqWavelen) {
                double smooth = (s.originalMaxPositions() / wavelen - s.lowFreqFactor())
                        / (s.highFreqFactor() - s.lowFreqFactor());
                scaled = (1 - smooth) * scaled / s.factor() + smooth * scaled;
            }
            freqs[i] = (float) scaled;
        }
    }

    /** x: (B, S, H, D) with D == rotaryDim. Returns the rotated tensor, same shape. */
    public Tensor apply(Tensor x) {
        long b = x.size(0), s = x.size(1), h = x.size(2);
        Tensor pairs = x.reshape(b, s, h, halfDim, 2);
        Tensor x0 = pairs.select(4, 0), x1 = pairs.select(4, 1);
        Tensor c = cos.narrow(0, 0, s).view(1, s, 1, halfDim);
        Tensor sn = sin.narrow(0, 0, s).view(1, s, 1, halfDim);
        Tensor out0 = x0.mul(c).sub(x1.mul(sn));
        Tensor out1 = x0.mul(sn).add(x1.mul(c));
        TensorVector both = new TensorVector(out0, out1);
        return torch.stack(both, 4).reshape(b, s, h, halfDim * 2);
    }

    public long maxSeqLen() {
        return cos.size(0);
    }
}
