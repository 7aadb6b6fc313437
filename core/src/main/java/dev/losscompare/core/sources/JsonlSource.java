package dev.losscompare.core.sources;

import dev.losscompare.core.sources.SeriesFiles;
import dev.losscompare.core.series.RunSeries;
import dev.losscompare.core.series.UnreadableSeriesException;
import java.nio.file.Path;
import java.util.Map;

/** Our metrics file, read by the harness's strict reader; every value is exact (written in shortest round-trip form). */
final class JsonlSource {
    private JsonlSource() {}

    static SourcedSeries read(Path file) {
        RunSeries series = SeriesFiles.read(file);
        if (series.steps().isEmpty()) throw new UnreadableSeriesException(file + ": no step lines (empty metrics file)");
        return new SourcedSeries(file, SeriesFormat.JSONL, series, Map.of());
    }
}
