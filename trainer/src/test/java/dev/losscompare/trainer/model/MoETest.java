package dev.losscompare.trainer.model;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.bytedeco.pytorch.Device;
import org.bytedeco.pytorch.NoGradGuard;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.global.torch;
import org.junit.jupiter.api.Test;

class MoETest {
    static final int DIM = 16;

    record Layer(MoE moe, Parameters params) {
        Tensor weight(String name) {
            return params.get("moe." + name);
        }
    }

    static Layer layer(int topK, boolean scoreBefore, String scoreFunc) {
        torch.manual_seed(3);
        Parameters params = new Parameters(new Device(torch.DeviceType.CPU));
        MoE moe = new MoE(params, "moe.", DIM, 24, MoeArgs.builder()
                .numExperts(4).topK(topK).scoreFunc(scoreFunc).scoreBeforeExperts(scoreBefore).build());
        moe.init(0.05);
        return new Layer(moe, params);
    }

    static float[] values(Tensor t) {
        Tensor c = t.contiguous();
        float[] out = new float[(int) c.numel()];
        c.data_ptr_float().get(out);
        return out;
    }

    /** The dispatch and combine must equal computing every token's chosen experts one by one. */
    @Test
    void sortedDispatchEqualsANaivePerTokenReference() {
        for (int topK : new int[] {1, 2}) {
            for (boolean scoreBefore : new boolean[] {true, false}) {
                Layer layer = layer(topK, scoreBefore, topK == 1 ? "sigmoid" : "softmax");
                torch.manual_seed(9);
                Tensor x = torch.randn(new long[] {2, 5, DIM}, Ops.options(torch.ScalarType.Float));
                float[] fast = values(layer.moe().forward(x));
                float[] naive = values(naive(layer, x, topK, scoreBefore, topK == 1 ? "sigmoid" : "softmax"));
                assertEquals(naive.length, fast.length);
                for (int i = 0; i < fast.length; i++) {
                    assertEquals(naive[i], fast[i], 1e-5 * Math.max(1, Math.abs(naive[i])), "topK " + topK + " at " + i);
                }
            }
        }
    }

    private static Tensor naive(Layer layer, Tensor x, int topK, boolean scoreBefore, String scoreFunc) {
        // Reads the layer's weights by name and recomputes token by token.
        Tensor tokens = x.view(-1, DIM);
        Tensor gate = layer.weight("router.gate.weight");
        Tensor logits = Ops.linear(tokens, gate);
        Tensor scores = scoreFunc.equals("sigmoid") ? torch.sigmoid(logits) : torch.softmax(logits, 1);
        float[] s = values(scores);
        int experts = 4, n = (int) tokens.size(0);
        Tensor[] rows = new Tensor[n];
        for (int t = 0; t < n; t++) {
            Integer[] idx = {0, 1, 2, 3};
            final int tt = t;
            java.util.Arrays.sort(idx, (a, b) -> Float.compare(s[tt * experts + b], s[tt * experts + a]));
            Tensor xt = tokens.narrow(0, t, 1);
            Tensor acc = Ops.swiglu(xt, layer.weight("shared_experts.w1.weight"),
                    layer.weight("shared_experts.w2.weight"), layer.weight("shared_experts.w3.weight"));
            for (int k = 0; k < topK; k++) {
                int e = idx[k];
                Tensor score = scores.narrow(0, t, 1).narrow(1, e, 1);
                Tensor in = scoreBefore ? xt.mul(score) : xt;
                Tensor out = Ops.swiglu(in, layer.weight("experts.w1").select(0, e),
                        layer.weight("experts.w2").select(0, e), layer.weight("experts.w3").select(0, e));
                acc = acc.add(scoreBefore ? out : out.mul(score));
            }
            rows[t] = acc;
        }
        return torch.cat(new org.bytedeco.pytorch.TensorVector(rows), 0).view(x.size(0), x.size(1), DIM);
    }

    @Test
    void loadBalancingMovesBiasTowardUnderusedExpertsAndSumsToZero() {
        MoE moe = layer(1, true, "sigmoid").moe();
        torch.manual_seed(4);
        Tensor x = torch.randn(new long[] {4, 8, DIM}, Ops.options(torch.ScalarType.Float));
        try (NoGradGuard ignored = new NoGradGuard()) {
            moe.forward(x);
        }
        float[] before = values(moe.expertBias());
        assertArrayEquals(new float[4], before, "bias starts at zero");
        moe.afterOptimizerStep();
        float[] after = values(moe.expertBias());
        float sum = 0;
        for (float v : after) sum += v;
        assertEquals(0f, sum, 1e-6f, "centred update");
        boolean moved = false;
        for (float v : after) moved |= v != 0f;
        assertTrue(moved, "unequal loads move the bias");
    }
}
