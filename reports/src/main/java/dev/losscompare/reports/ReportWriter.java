package dev.losscompare.reports;

import dev.losscompare.reports.html.HtmlReport;
import dev.losscompare.core.io.AtomicFiles;
import dev.losscompare.reports.junit.JUnitXmlWriter;
import dev.losscompare.reports.markdown.MarkdownSummary;
import dev.losscompare.core.result.CaseResult;
import dev.losscompare.core.result.Comparison;
import dev.losscompare.core.result.ComparisonJson;
import dev.losscompare.reports.series.CaseSeries;
import dev.losscompare.reports.series.SeriesLoader;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Writes every output of a comparison into its output folder: comparison.json, junit.xml,
 * summary.md and report.html (last, so its presence means the others are there). The harness
 * calls {@link #writeAll} after a run; {@code loss_compare.sh report DIR} calls {@link #rerender}.
 * Output depends only on the comparison and the series files, so re-rendering gives the same bytes.
 */
public final class ReportWriter {
    public static final String HTML = "report.html", JUNIT = "junit.xml", SUMMARY = "summary.md", JSON = "comparison.json";

    private ReportWriter() {}

    /** Writes all four outputs. Returns report.html's path. */
    public static Path writeAll(Path dir, Comparison comparison) throws IOException {
        List<CaseSeries> cases = new ArrayList<>();
        for (CaseResult c : comparison.cases()) cases.add(SeriesLoader.load(dir, c));
        AtomicFiles.writeString(dir.resolve(JSON), ComparisonJson.toJson(comparison));
        AtomicFiles.writeString(dir.resolve(JUNIT), JUnitXmlWriter.render(comparison, cases));
        AtomicFiles.writeString(dir.resolve(SUMMARY), MarkdownSummary.render(comparison, cases));
        Path html = dir.resolve(HTML);
        AtomicFiles.writeString(html, HtmlReport.render(comparison, cases));
        return html;
    }

    /** Re-renders all outputs from a saved folder's comparison.json and series files, without training. */
    public static Path rerender(Path dir) throws IOException {
        return writeAll(dir, ComparisonJson.read(dir.resolve(JSON)));
    }
}
