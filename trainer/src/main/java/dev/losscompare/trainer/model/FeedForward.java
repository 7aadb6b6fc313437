package dev.losscompare.trainer.model;

import org.bytedeco.pytorch.Tensor;

/** SwiGLU feed-forward: w2(silu(w1 x) * w3 x). */
public final class FeedForward implements TransformerBlock.FeedForwardLayer {
    private final Tensor w1, w2, w3;
    private final String name;

    public FeedForward(Parameters params, String prefix, int dim, int hidden) {
        name = prefix.substring(0, prefix.length() - 1);
        w1 = params.create(prefix + "w1.weight", hidden, dim);
        w2 = params.create(prefix + "w2.weight", dim, hidden);
        w3 = params.create(prefix + "w3.weight", hidden, dim);
    }

    @Override
    public Tensor forward(Tensor x) {
        Tensor out = Ops.swiglu(x, w1, w2, w3);
        ModuleProbe.current().output(name, out);
        return out;
    }

    @Override
    public void init(double outStd) {
        Init.truncNormal(w1, 0.02);
        Init.truncNormal(w2, outStd);
        Init.truncNormal(w3, outStd);
    }
}
