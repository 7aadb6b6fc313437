package dev.losscompare.harness.pipeline;

import dev.losscompare.harness.run.Kernels;
import java.time.Duration;

/**
 * How every run of a comparison trains: steps, seed and thread count (the same on both sides, or
 * the runs are not comparable), the kernel set, and how long a run may take (null: no limit).
 */
public record Training(int steps, long seed, int threads, Kernels kernels, Duration timeout) {}
