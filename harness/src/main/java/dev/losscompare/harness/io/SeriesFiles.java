package dev.losscompare.harness.io;

import dev.losscompare.reports.model.MetricsFile;
import dev.losscompare.reports.model.RunSeries;
import dev.losscompare.reports.model.StepRecord;
import dev.losscompare.reports.model.UnreadableSeriesException;
import java.nio.file.Path;

/** Reads a metrics file strictly: besides the reader's checks, steps must strictly increase. */
public final class SeriesFiles {
    private SeriesFiles() {}

    public static RunSeries read(Path file) {
        RunSeries series = MetricsFile.read(file);
        checkOrder(series, file.toString());
        return series;
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
