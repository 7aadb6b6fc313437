package dev.losscompare.trainer.train;

import dev.losscompare.trainer.config.JobConfig;
import java.io.Closeable;
import java.io.IOException;
import java.util.Map;

/** Every place a step's metrics go: the JSON Lines file and, when enabled, TensorBoard event files. */
public final class MetricsOutputs implements Closeable {
    private final MetricsWriter jsonl;
    private final TensorBoardMetrics tensorboard;

    private MetricsOutputs(MetricsWriter jsonl, TensorBoardMetrics tensorboard) {
        this.jsonl = jsonl;
        this.tensorboard = tensorboard;
    }

    public static MetricsOutputs open(JobConfig.Metrics config) throws IOException {
        return open(config, true);
    }

    /** {@code writes} false: this process writes no metrics (a data-parallel rank other than 0). */
    public static MetricsOutputs open(JobConfig.Metrics config, boolean writes) throws IOException {
        MetricsWriter jsonl = MetricsWriter.open(writes ? config.path() : "");
        try {
            return new MetricsOutputs(jsonl, writes ? TensorBoardMetrics.open(config) : null);
        } catch (IOException | RuntimeException e) {
            jsonl.close();
            throw e;
        }
    }

    public void writeMeta(Map<String, Object> meta) {
        jsonl.writeMeta(meta);
    }

    public void writeStep(StepMetrics m) {
        jsonl.writeStep(m);
        if (tensorboard != null) tensorboard.writeStep(m);
    }

    @Override
    public void close() throws IOException {
        try (MetricsWriter ignored = jsonl) {
            if (tensorboard != null) tensorboard.close();
        }
    }
}
