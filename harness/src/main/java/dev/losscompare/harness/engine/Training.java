package dev.losscompare.harness.engine;

import dev.losscompare.harness.run.Kernels;
import dev.losscompare.harness.suite.GateSettings;
import java.time.Duration;

/**
 * How every run of a comparison trains: steps, seed and thread count (the same on both sides, or
 * the runs are not comparable), the kernel set, and how long a run may take (null: no limit).
 */
public record Training(int steps, long seed, int threads, Kernels kernels, Duration timeout) {
    /** How the gate (and a bisect against the goldens) trains: the suite's [gate] settings, as the goldens were recorded. */
    public static Training ofGate(GateSettings gate, Kernels kernels, Duration timeout) {
        return new Training(gate.steps(), gate.seed(), gate.threads(), kernels, timeout);
    }
}
