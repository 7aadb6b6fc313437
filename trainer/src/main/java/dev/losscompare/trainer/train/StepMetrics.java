package dev.losscompare.trainer.train;

/**
 * What one training step measured. loss and gradNorm are the exact fp32 values libtorch computed.
 * cpuMs is the CPU time the whole process (all threads) spent in the step: on a shared machine it
 * moves far less with load than the wall time behind tokensPerSecond.
 */
public record StepMetrics(
        int step,
        float loss,
        float gradNorm,
        double lr,
        long tokens,
        double tokensPerSecond,
        long memoryBytes,
        double timeMs,
        double cpuMs,
        String dataFingerprint) {

    public boolean finite() {
        return Float.isFinite(loss) && Float.isFinite(gradNorm);
    }
}
