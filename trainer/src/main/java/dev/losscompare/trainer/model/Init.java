package dev.losscompare.trainer.model;

import org.bytedeco.pytorch.NoGradGuard;
import org.bytedeco.pytorch.Tensor;

/** In-place initializers matching torch.nn.init, drawing from libtorch's default (seeded) generator. */
public final class Init {
    private static final double SQRT2 = StrictMath.sqrt(2.0);
    private static final ThreadLocal<Boolean> DRAWS_ONLY = ThreadLocal.withInitial(() -> false);

    private Init() {}

    /** While open, on this thread: see {@link #drawsOnly()}. */
    public interface DrawsOnly extends AutoCloseable {
        @Override
        void close();
    }

    /**
     * Until closed, initializers on this thread draw from the generator exactly as they would but skip
     * the arithmetic that turns the draws into values: for a model whose every parameter a load
     * overwrites next (a seed checkpoint, a training checkpoint). The generator ends where a full
     * initialization leaves it, so a seed checkpoint without generator states continues the same.
     * trunc_normal_'s erfinv is most of a model's start-up (1.1 s of 3.4 s for deepseek_v3's
     * 32M-parameter debug model, a one-step run).
     */
    public static DrawsOnly drawsOnly() {
        boolean before = DRAWS_ONLY.get();
        DRAWS_ONLY.set(true);
        return () -> DRAWS_ONLY.set(before);
    }

    /** torch.nn.init.trunc_normal_ with absolute bounds [a, b], by inverse-CDF sampling as PyTorch does. */
    public static void truncNormal(Tensor t, double std, double a, double b) {
        try (NoGradGuard ignored = new NoGradGuard()) {
            double lo = normCdf(a / std), hi = normCdf(b / std);
            t.uniform_(2 * lo - 1, 2 * hi - 1, new org.bytedeco.pytorch.GeneratorOptional());
            if (DRAWS_ONLY.get()) return;
            t.erfinv_();
            t.mul_(new org.bytedeco.pytorch.Scalar(std * SQRT2));
            t.clamp_(new org.bytedeco.pytorch.ScalarOptional(new org.bytedeco.pytorch.Scalar(a)),
                    new org.bytedeco.pytorch.ScalarOptional(new org.bytedeco.pytorch.Scalar(b)));
        }
    }

    /** trunc_normal_ with PyTorch's default bounds [-2, 2]. */
    public static void truncNormal(Tensor t, double std) {
        truncNormal(t, std, -2.0, 2.0);
    }

    public static void normal(Tensor t, double std) {
        try (NoGradGuard ignored = new NoGradGuard()) {
            t.normal_(0.0, std, new org.bytedeco.pytorch.GeneratorOptional());
        }
    }

    public static void ones(Tensor t) {
        try (NoGradGuard ignored = new NoGradGuard()) {
            t.fill_(new org.bytedeco.pytorch.Scalar(1.0));
        }
    }

    private static double normCdf(double x) {
        return (1.0 + erf(x / SQRT2)) / 2.0;
    }

    /** erf to double precision: Maclaurin series near 0, continued fraction for the tail. */
    static double erf(double x) {
        double t = StrictMath.abs(x);
        double result;
        if (t < 2.5) {
            // Maclaurin series: converges fast for |x| < 2.5.
            double sum = t, term = t, x2 = t * t;
            for (int n = 1; n < 100; n++) {
                term *= -x2 / n;
                double add = term / (2 * n + 1);
                sum += add;
                if (StrictMath.abs(add) < 1e-17 * StrictMath.abs(sum)) break;
            }
            result = 2 / StrictMath.sqrt(StrictMath.PI) * sum;
        } else {
            // Continued fraction for erfc, accurate for large |x|.
            double f = 0;
            for (int n = 60; n >= 1; n--) f = n / 2.0 / (t + f);
            result = 1 - StrictMath.exp(-t * t) / StrictMath.sqrt(StrictMath.PI) / (t + f);
        }
        return x < 0 ? -result : result;
    }
}
