package dev.losscompare.reports.series;

import dev.losscompare.core.result.CaseResult;
import dev.losscompare.core.series.MetricsFile;
import dev.losscompare.core.result.RunInfo;
import dev.losscompare.core.series.RunSeries;
import dev.losscompare.core.series.UnreadableSeriesException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Reads both metrics files of a case from the output folder. Never throws: whatever is wrong
 * becomes an error message the report shows in place of a chart.
 */
public final class SeriesLoader {
    private SeriesLoader() {}

    public static CaseSeries load(Path dir, CaseResult c) {
        return new CaseSeries(c, side(dir, "baseline", c.baseline()), side(dir, "test", c.test()));
    }

    static SideSeries side(Path dir, String side, RunInfo run) {
        if (run == null) return new SideSeries(side, null, "no " + side + " run was recorded");
        if (run.metricsFile() == null || run.metricsFile().isBlank()) {
            return new SideSeries(side, null, "no " + side + " metrics file was recorded"
                    + (run.error() != null ? " (" + run.error() + ")" : ""));
        }
        Path file = dir.resolve(run.metricsFile());
        if (!Files.isRegularFile(file)) {
            return new SideSeries(side, null, run.metricsFile() + " is missing");
        }
        RunSeries s;
        try {
            s = MetricsFile.read(file);
        } catch (UnreadableSeriesException e) {
            return new SideSeries(side, null, relativize(dir, e.getMessage()));
        }
        if (s.steps().isEmpty()) {
            return new SideSeries(side, s, run.metricsFile() + " has no steps (empty run)");
        }
        return new SideSeries(side, s, null);
    }

    // Messages name files by absolute path; the report must not carry this machine's paths.
    static String relativize(Path dir, String message) {
        String abs = dir.toAbsolutePath().normalize().toString();
        String m = message.replace(abs + "/", "").replace(abs, ".");
        String raw = dir.toString();
        return raw.isEmpty() ? m : m.replace(raw + "/", "");
    }
}
