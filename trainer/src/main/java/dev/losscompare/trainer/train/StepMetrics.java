package dev.losscompare.trainer.train;

/** What one training step measured. loss and gradNorm are the exact fp32 values libtorch computed. */
public record StepMetrics(
        int step,
        float loss,
        float gradNorm,
        double lr,
        long tokens,
        double tokensPerSecond,
        long memoryBytes,
        double timeMs,
        String dataFingerprint) {

    public boolean finite() {
        return Float.isFinite(loss) && Float.isFinite(gradNorm);
    }
}
