package dev.losscompare.trainer.train;

import dev.losscompare.trainer.config.JobConfig;
import dev.losscompare.trainer.model.Ops;
import dev.losscompare.trainer.model.Parameters;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.bytedeco.pytorch.NoGradGuard;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.global.torch;

/**
 * AdamW with decoupled weight decay, PyTorch's single-tensor algorithm step for step:
 * p *= 1 - lr*wd; m = lerp(m, g, 1-b1); v = b2*v + (1-b2)*g^2;
 * p -= lr/(1-b1^t) * m / (sqrt(v)/sqrt(1-b2^t) + eps). Written out so every op and its order is visible.
 */
public final class AdamW {
    private final List<Tensor> params = new ArrayList<>();
    private final List<Tensor> expAvg = new ArrayList<>();
    private final List<Tensor> expAvgSq = new ArrayList<>();
    private final List<String> names = new ArrayList<>();
    private final double beta1, beta2, eps, weightDecay;
    private int stepCount = 0;

    public AdamW(Parameters parameters, JobConfig.Optimizer o) {
        this.beta1 = o.beta1();
        this.beta2 = o.beta2();
        this.eps = o.eps();
        this.weightDecay = o.weightDecay();
        for (Map.Entry<String, Tensor> e : parameters.byName().entrySet()) {
            Tensor p = e.getValue();
            names.add(e.getKey());
            params.add(p);
            expAvg.add(retained(torch.zeros_like(p)));
            expAvgSq.add(retained(torch.zeros_like(p)));
        }
    }

    private static Tensor retained(Tensor t) {
        t.retainReference(); // optimizer state outlives each step's PointerScope
        return t;
    }

    /** One update at learning rate lr. Call inside the step's PointerScope. */
    public void step(double lr) {
        stepCount++;
        double bias1 = 1 - StrictMath.pow(beta1, stepCount);
        double bias2Sqrt = StrictMath.sqrt(1 - StrictMath.pow(beta2, stepCount));
        try (NoGradGuard ignored = new NoGradGuard()) {
            for (int i = 0; i < params.size(); i++) {
                Tensor p = params.get(i), g = p.grad();
                if (!g.defined()) continue;
                p.mul_(Ops.scalar(1 - lr * weightDecay));
                expAvg.get(i).lerp_(g, Ops.scalar(1 - beta1));
                expAvgSq.get(i).mul_(Ops.scalar(beta2)).addcmul_(g, g, Ops.scalar(1 - beta2));
                Tensor denom = expAvgSq.get(i).sqrt().div_(Ops.scalar(bias2Sqrt)).add_(Ops.scalar(eps));
                p.addcdiv_(expAvg.get(i), denom, Ops.scalar(-lr / bias1));
            }
        }
    }

    /** exp_avg per parameter name (the first moment): training checkpoints save and restore it in place. */
    public Map<String, Tensor> firstMoments() {
        return byName(expAvg);
    }

    /** exp_avg_sq per parameter name (the second moment). */
    public Map<String, Tensor> secondMoments() {
        return byName(expAvgSq);
    }

    /** Updates taken so far: the bias corrections' exponent (PyTorch's state["step"]). */
    public int stepCount() {
        return stepCount;
    }

    public void restoreStepCount(int steps) {
        this.stepCount = steps;
    }

    private Map<String, Tensor> byName(List<Tensor> state) {
        Map<String, Tensor> out = new LinkedHashMap<>();
        for (int i = 0; i < names.size(); i++) out.put(names.get(i), state.get(i));
        return out;
    }

    public void zeroGrad() {
        try (NoGradGuard ignored = new NoGradGuard()) {
            for (Tensor p : params) {
                Tensor g = p.grad();
                if (g.defined()) g.zero_();
            }
        }
    }
}
