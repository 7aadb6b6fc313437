package dev.losscompare.trainer.model;

import org.bytedeco.pytorch.Device;
import org.bytedeco.pytorch.DeviceOptional;
import org.bytedeco.pytorch.DoubleOptional;
import org.bytedeco.pytorch.ScalarTypeOptional;
import org.bytedeco.pytorch.TensorOptions;
import org.bytedeco.pytorch.Scalar;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.TensorOptional;
import org.bytedeco.pytorch.global.torch;

/** Thin, readable wrappers over the libtorch calls the models use. */
public final class Ops {
    private Ops() {}

    public static TensorOptions options(torch.ScalarType dtype) {
        return new TensorOptions().dtype(new ScalarTypeOptional(dtype));
    }

    public static TensorOptions options(torch.ScalarType dtype, Device device) {
        return options(dtype).device(new DeviceOptional(device));
    }

    public static Scalar scalar(double v) {
        return new Scalar(v);
    }

    /** An integer scalar: integer ops (floor_divide, eq on ids) stay integer, never promote to float. */
    public static Scalar integer(long v) {
        return new Scalar(v);
    }

    /** x @ w.T, like nn.Linear without bias. */
    public static Tensor linear(Tensor x, Tensor weight) {
        return torch.linear(x, weight);
    }

    public static Tensor rmsNorm(Tensor x, Tensor weight, double eps) {
        return torch.rms_norm(x, new long[] {weight.size(0)}, new TensorOptional(weight), new DoubleOptional(eps));
    }

    /** nn.RMSNorm with eps=None: libtorch uses the machine epsilon of x's dtype. */
    public static Tensor rmsNormDefaultEps(Tensor x, Tensor weight) {
        return torch.rms_norm(x, new long[] {weight.size(0)}, new TensorOptional(weight), new DoubleOptional());
    }

    /** SwiGLU: w2(silu(w1 x) * w3 x). */
    public static Tensor swiglu(Tensor x, Tensor w1, Tensor w2, Tensor w3) {
        return linear(torch.silu(linear(x, w1)).mul(linear(x, w3)), w2);
    }

    /** (B, S, Hkv, D) -> (B, S, Hkv * nRep, D), each kv head repeated nRep times in place. */
    public static Tensor repeatKv(Tensor x, long nRep) {
        if (nRep == 1) return x;
        long b = x.size(0), s = x.size(1), h = x.size(2), d = x.size(3);
        return x.unsqueeze(3).expand(b, s, h, nRep, d).reshape(b, s, h * nRep, d);
    }
}
