package dev.losscompare.trainer.train;

import java.util.Locale;

/** The human log line, torchtitan's shape: step: 1  loss: 8.0385  grad_norm: 1.3444  memory: 0.23GiB  tps: 3,104 */
public final class StepLog {
    private StepLog() {}

    public static String format(StepMetrics m) {
        return String.format(Locale.ROOT, "step: %d  loss: %.4f  grad_norm: %.4f  memory: %.2fGiB  tps: %,d",
                m.step(), m.loss(), m.gradNorm(), m.memoryBytes() / (double) (1L << 30), Math.round(m.tokensPerSecond()));
    }
}
