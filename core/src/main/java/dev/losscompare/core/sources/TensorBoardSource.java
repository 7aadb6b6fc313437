package dev.losscompare.core.sources;

import dev.losscompare.core.series.RunSeries;
import dev.losscompare.core.series.StepRecord;
import dev.losscompare.core.series.UnreadableSeriesException;
import dev.losscompare.tbevents.EventFileException;
import dev.losscompare.tbevents.EventFileReader;
import dev.losscompare.tbevents.ScalarEvents;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.NavigableMap;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * A run's TensorBoard event files. Tags default to torchtitan's (torchtitan/components/metrics.py:417,419
 * and torchtitan/train.py:550 at 6a3a9da9): loss_metrics/global_avg_loss is the loss,
 * grad_norm the grad-norm, lr the learning rate; every tag is also a metric under its own name
 * (--metrics=n_tokens_seen). float32 and float64 values are exact. Speed and
 * memory for the performance verdict (metrics.py:419-431 at 6a3a9da9): throughput(tps) as tps,
 * tflops, mfu(%) as mfu, memory/max_reserved(GiB) as memory_gib, time_metrics/end_to_end(s) as
 * iteration_time_s.
 */
final class TensorBoardSource {
    static final Map<String, String> TORCHTITAN_TAGS = defaults();

    private TensorBoardSource() {}

    static SourcedSeries read(Path path, SourceOptions options) {
        ScalarEvents events;
        try {
            events = EventFileReader.read(path);
        } catch (EventFileException e) {
            throw new UnreadableSeriesException(e.getMessage());
        }
        TreeMap<Integer, Map<String, Double>> rows = new TreeMap<>();
        for (MetricNames.Entry entry : MetricNames.resolve(TORCHTITAN_TAGS, options).entries()) {
            NavigableMap<Long, Double> series = events.series(entry.name());
            if (series == null) {
                if (!entry.required()) continue;
                throw new UnreadableSeriesException(path + ": no TensorBoard tag '" + entry.name() + "' for " + entry.metric()
                        + " (tags: " + String.join(", ", new TreeSet<>(events.byTag().keySet())) + "); map one with "
                        + entry.metric() + "=TAG");
            }
            for (Map.Entry<Long, Double> point : series.entrySet()) {
                rows.computeIfAbsent(Math.toIntExact(point.getKey()), s -> new LinkedHashMap<>())
                        .put(entry.metric(), point.getValue());
            }
        }
        if (rows.isEmpty()) throw new UnreadableSeriesException(path + ": the loss tag has no values");
        // Every tag is also a metric by its own name, so --metrics can name any of them.
        for (String tag : new TreeSet<>(events.byTag().keySet())) {
            for (Map.Entry<Long, Double> point : events.series(tag).entrySet()) {
                rows.computeIfAbsent(Math.toIntExact(point.getKey()), s -> new LinkedHashMap<>()).putIfAbsent(tag, point.getValue());
            }
        }
        List<StepRecord> steps = new ArrayList<>();
        rows.forEach((step, values) -> steps.add(new StepRecord(step, values, null)));
        return new SourcedSeries(path, SeriesFormat.TENSORBOARD, new RunSeries(Map.of(), steps), Map.of());
    }

    private static Map<String, String> defaults() {
        Map<String, String> tags = new LinkedHashMap<>();
        tags.put("loss", "loss_metrics/global_avg_loss");
        tags.put("grad_norm", "grad_norm");
        tags.put("lr", "lr");
        tags.put("tps", "throughput(tps)");
        tags.put("tflops", "tflops");
        tags.put("mfu", "mfu(%)");
        tags.put("memory_gib", "memory/max_reserved(GiB)");
        tags.put("iteration_time_s", "time_metrics/end_to_end(s)");
        return java.util.Collections.unmodifiableMap(tags);
    }
}
