package dev.losscompare.core.sources;

import dev.losscompare.core.series.MetricsFile;
import dev.losscompare.core.series.RunSeries;
import dev.losscompare.core.series.StepRecord;
import dev.losscompare.core.series.UnreadableSeriesException;
import dev.losscompare.core.io.AtomicFiles;
import java.io.IOException;
import java.nio.file.Path;
import java.util.TreeMap;

/**
 * Reads a metrics file strictly (besides the reader's checks, steps must strictly increase), and
 * writes a series that came from elsewhere (an imported loss file, a golden) in the same format.
 */
public final class SeriesFiles {
    private SeriesFiles() {}

    public static RunSeries read(Path file) {
        RunSeries series = MetricsFile.read(file);
        checkOrder(series, file.toString());
        return series;
    }

    /** One JSON line per step, metrics in name order, written atomically; NaN stays a bare token. */
    public static void write(RunSeries series, Path file) throws IOException {
        StringBuilder jsonl = new StringBuilder();
        for (StepRecord r : series.steps()) {
            jsonl.append("{\"step\":").append(r.step());
            new TreeMap<>(r.values()).forEach((k, v) -> jsonl.append(",\"").append(k).append("\":").append(v));
            if (r.dataFingerprint() != null) jsonl.append(",\"data_fingerprint\":\"").append(r.dataFingerprint()).append('"');
            jsonl.append("}\n");
        }
        AtomicFiles.writeString(file, jsonl.toString());
    }

    static void checkOrder(RunSeries series, String name) {
        int previous = Integer.MIN_VALUE;
        for (StepRecord s : series.steps()) {
            if (s.step() <= previous) {
                throw new UnreadableSeriesException(name + ": step " + s.step() + " after step " + previous
                        + " (steps repeat or go backwards)");
            }
            previous = s.step();
        }
    }
}
