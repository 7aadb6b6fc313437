package dev.losscompare.reports;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.losscompare.core.result.CaseResult;
import dev.losscompare.core.result.Comparison;
import dev.losscompare.core.result.ComparisonJson;
import dev.losscompare.core.result.Diagnosis;
import dev.losscompare.core.result.Diagnosis.MaskDiff;
import dev.losscompare.core.result.Diagnosis.ModuleDiff;
import dev.losscompare.core.result.Verdict;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.jsoup.Jsoup;
import org.jsoup.nodes.Document;
import org.jsoup.nodes.Element;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The diagnosis record in all four outputs: rendered as recorded, round-tripped, absent from older files. */
class WhereSectionTest {
    @TempDir Path dir;

    private static final String WHERE = "forward: layers.1.attention output differs at step 1 (L2 norm 2 vs 2.1, rel 5.0e-2); "
            + "everything before it is bitwise identical";

    private Comparison withDiagnosis() throws Exception {
        Comparison c = Fixtures.sample(dir, 20);
        List<CaseResult> cases = new ArrayList<>();
        Diagnosis d = new Diagnosis(Diagnosis.Status.LOCATED, Diagnosis.Stage.FORWARD, 1, WHERE, null, 1, List.of(
                new ModuleDiff("layers.0.attention", true, 3.0, 3.0, 0.5, 0.5, 0.0, null, null, false),
                new ModuleDiff("layers.1.attention", false, 2.0, 2.1, 0.4, 0.41, 0.05, null, null, true),
                new ModuleDiff("layers.1.ffn_norm", false, 16.0, 16.0000016, 1.0, 1.0, 1e-8, null, null, false),
                new ModuleDiff("layers.1.extra", false, null, 1.0, null, 1.0, null, "test", null, false)),
                List.of(new MaskDiff("chunked", List.of(1L, 1L, 8L, 8L), 64L, 20L, 18L, false, null, "layers.1.attention")));
        for (CaseResult r : c.cases()) cases.add(r.verdict() == Verdict.FAIL ? r.withDiagnosis(d) : r);
        return new Comparison(c.schemaVersion(), c.kind(), c.baseline(), c.test(), c.configPath(), c.steps(), c.seed(), c.threads(),
                c.metrics(), c.mode(), c.startedAt(), c.wallSeconds(), cases);
    }

    @Test
    void theWhereSectionShowsTheAlignedModulesWithLogScaleBarsAndTheMasks() throws Exception {
        ReportWriter.writeAll(dir, withDiagnosis());
        Document html = Jsoup.parse(Files.readString(dir.resolve("report.html")));
        List<Element> sections = html.select("div.where");
        assertEquals(1, sections.size(), "only the failing case has a diagnosis");
        Element where = sections.get(0);
        assertEquals("located", where.attr("data-status"));
        assertEquals(WHERE, where.selectFirst("p.located").text());
        Element first = where.selectFirst("tr.first[data-module]");
        assertEquals("layers.1.attention", first.attr("data-module"));
        assertTrue(first.text().contains("first divergence"));
        // The log scale runs from 1e-16 (empty) to 1 (full): 5e-2 is at (log10(0.05) + 16) / 16 of the width.
        String expected = String.format(java.util.Locale.ROOT, "width:%.1f%%", (Math.log10(0.05) + 16) / 16 * 100);
        assertTrue(first.selectFirst("td.bar span").attr("style").contains(expected), first.outerHtml());
        assertTrue(where.selectFirst("tr[data-module=layers.1.ffn_norm] td.bar span").attr("style").contains("width:50.0%"));
        assertTrue(where.selectFirst("tr[data-module=layers.0.attention] td.bar span").hasClass("zero"), "identical: no bar");
        assertTrue(where.selectFirst("tr[data-module=layers.1.extra]").text().contains("only in test"));
        Element mask = where.selectFirst("tr[data-mask=chunked]");
        assertTrue(mask.text().contains("20 of 64") && mask.text().contains("18 of 64") && mask.text().contains("differ"), mask.text());

        assertTrue(Files.readString(dir.resolve("summary.md")).contains("where: " + WHERE));
        assertTrue(Files.readString(dir.resolve("junit.xml")).contains("where: " + WHERE));
    }

    @Test
    void comparisonJsonCarriesTheDiagnosisAndRerendersByteForByte() throws Exception {
        Comparison c = withDiagnosis();
        ReportWriter.writeAll(dir, c);
        Comparison read = ComparisonJson.read(dir.resolve("comparison.json"));
        assertEquals(c.cases(), read.cases());
        byte[] html = Files.readAllBytes(dir.resolve("report.html"));
        Files.delete(dir.resolve("report.html"));
        ReportWriter.rerender(dir);
        assertArrayEquals(html, Files.readAllBytes(dir.resolve("report.html")));
    }

    @Test
    void aSchemaTwoFileWithoutDiagnosisStillReads() throws Exception {
        ReportWriter.writeAll(dir, Fixtures.sample(dir, 20));
        ObjectNode root = (ObjectNode) ComparisonJson.MAPPER.readTree(dir.resolve("comparison.json").toFile());
        root.withArray("cases").forEach(k -> ((ObjectNode) k).remove("diagnosis"));
        ComparisonJson.MAPPER.writeValue(dir.resolve("comparison.json").toFile(), root);
        Comparison read = ComparisonJson.read(dir.resolve("comparison.json"));
        assertEquals(2, read.schemaVersion());
        read.cases().forEach(k -> assertNull(k.diagnosis()));
    }
}
