package dev.losscompare.core.perf;

/**
 * The steps left out of steady-state speed: the first min(3, n/2) of n steps. Step 1 pays for
 * JIT compilation, first-touch allocation and thread-pool start (our trainer's step 1 runs at
 * ~1/10 of step 5's tokens/s), so it never counts when there is a second step; at least half of
 * the steps are always measured. Peak memory uses every step.
 */
public final class Warmup {
    public static final int MAX_STEPS = 3;

    private Warmup() {}

    public static int steps(int stepCount) {
        return Math.min(MAX_STEPS, stepCount / 2);
    }
}
