package dev.losscompare.trainer.train;

import dev.losscompare.tbevents.EventFileWriter;
import dev.losscompare.trainer.config.JobConfig;
import java.io.Closeable;
import java.io.IOException;
import java.nio.file.Path;

/**
 * The TensorBoard side of the metrics: torchtitan's tags for what this trainer measures
 * (torchtitan/components/metrics.py:416-431 and torchtitan/train.py:548-551 at 6a3a9da9). Loss
 * and grad-norm are fp32, so simple_value holds them exactly; lr and the other doubles go into
 * double tensors, so everything reads back bit for bit. Steps follow torchtitan's should_log
 * (metrics.py:385-386: step 1 and every log_freq-th), plus a step whose loss or grad-norm is not
 * finite, so a diverged run is recorded where it diverged.
 */
final class TensorBoardMetrics implements Closeable {
    static final String LOSS = "loss_metrics/global_avg_loss";
    static final String MAX_LOSS = "loss_metrics/global_max_loss";
    static final String GRAD_NORM = "grad_norm";
    static final String LR = "lr";
    static final String TOKENS_SEEN = "n_tokens_seen";
    static final String TPS = "throughput(tps)";
    static final String STEP_SECONDS = "time_metrics/end_to_end(s)";

    private final EventFileWriter out;
    private final int logFreq;
    private long tokensSeen;

    private TensorBoardMetrics(EventFileWriter out, int logFreq) {
        this.out = out;
        this.logFreq = logFreq;
    }

    /** Null when TensorBoard output is off. */
    static TensorBoardMetrics open(JobConfig.Metrics config) throws IOException {
        if (!config.enableTensorboard()) return null;
        return new TensorBoardMetrics(EventFileWriter.create(Path.of(config.saveTbFolder())), config.logFreq());
    }

    void writeStep(StepMetrics m) {
        tokensSeen += m.tokens();
        if (!(m.step() == 1 || m.step() % logFreq == 0 || !m.finite())) return;
        // One process holds the whole batch, so the global average and maximum are this loss
        // (torchtitan/train.py:545 does the same without data parallelism).
        out.addFloat32(LOSS, m.step(), m.loss());
        out.addFloat32(MAX_LOSS, m.step(), m.loss());
        out.addFloat32(GRAD_NORM, m.step(), m.gradNorm());
        out.addFloat64(LR, m.step(), m.lr());
        out.addFloat64(TOKENS_SEEN, m.step(), tokensSeen);
        out.addFloat64(TPS, m.step(), m.tokensPerSecond());
        out.addFloat64(STEP_SECONDS, m.step(), m.timeMs() / 1000);
        out.flush();
    }

    @Override
    public void close() throws IOException {
        out.close();
    }
}
