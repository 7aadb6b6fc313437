package dev.losscompare.reports;

import dev.losscompare.reports.io.AtomicFiles;
import dev.losscompare.reports.model.Comparison;
import dev.losscompare.reports.model.ComparisonJson;
import java.io.IOException;
import java.nio.file.Path;

/**
 * Writes every output of a comparison into its output folder. The harness calls
 * {@link #writeAll} after a run; {@code loss_compare.sh report DIR} calls {@link #rerender}.
 */
public final class ReportWriter {
    private ReportWriter() {}

    /** Writes comparison.json (and, as they land, report.html, junit.xml, summary.md). Returns report.html's path. */
    public static Path writeAll(Path dir, Comparison comparison) throws IOException {
        AtomicFiles.writeString(dir.resolve("comparison.json"), ComparisonJson.toJson(comparison));
        return dir.resolve("report.html");
    }

    /** Re-renders all outputs from a saved folder's comparison.json and series files, without training. */
    public static Path rerender(Path dir) throws IOException {
        return writeAll(dir, ComparisonJson.read(dir.resolve("comparison.json")));
    }
}
