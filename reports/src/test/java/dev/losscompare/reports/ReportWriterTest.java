package dev.losscompare.reports;

import static org.junit.jupiter.api.Assertions.assertAll;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.losscompare.core.result.CaseResult;
import dev.losscompare.core.result.Comparison;
import dev.losscompare.core.result.ComparisonJson;
import dev.losscompare.core.result.Verdict;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import javax.xml.parsers.DocumentBuilderFactory;
import org.jsoup.Jsoup;
import org.jsoup.nodes.Document;
import org.jsoup.nodes.Element;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.w3c.dom.NodeList;

class ReportWriterTest {
    @TempDir Path dir;

    private static final String PASS = "llama3_debugmodel", FAIL = "llama3_debugmodel_flex",
            CRASH = "deepseek_v3_debugmodel", MISSING = "llama4_debugmodel";

    private Comparison writeSample(int steps) throws IOException {
        Comparison c = Fixtures.sample(dir, steps);
        Path html = ReportWriter.writeAll(dir, c);
        assertEquals(dir.resolve("report.html"), html);
        return c;
    }

    private Document html() throws IOException {
        return Jsoup.parse(Files.readString(dir.resolve("report.html")));
    }

    private org.w3c.dom.Document junit() throws Exception {
        var f = DocumentBuilderFactory.newInstance();
        f.setFeature("http://apache.org/xml/features/disallow-doctype-decl", true);
        return f.newDocumentBuilder().parse(dir.resolve("junit.xml").toFile());
    }

    private int failStep(Comparison c) {
        return c.cases().stream().filter(k -> k.name().equals(FAIL)).findFirst().orElseThrow()
                .metrics().get(0).firstDivergentStep();
    }

    @Test
    void writesAllFourFiles() throws IOException {
        writeSample(100);
        for (String f : List.of("report.html", "junit.xml", "summary.md", "comparison.json")) {
            assertTrue(Files.size(dir.resolve(f)) > 0, f);
        }
        try (Stream<Path> s = Files.list(dir)) {
            assertTrue(s.noneMatch(p -> p.getFileName().toString().endsWith(".tmp")), "no temp files left behind");
        }
    }

    @Test
    void htmlHasOneVerdictRowPerCaseAndOneChartPerMetricPerCase() throws IOException {
        Comparison c = writeSample(100);
        Document d = html();
        assertEquals(c.cases().size(), d.select("tr.verdict-row").size());
        assertEquals(c.cases().size(), d.select("section.case").size());
        for (CaseResult k : c.cases()) {
            Element section = d.selectFirst("section.case[data-case=" + k.name() + "]");
            assertNotNull(section, k.name());
            for (String m : c.metrics()) {
                int charts = section.select("figure.curves[data-metric=" + m + "]").size();
                int errors = section.select(".chart-error[data-metric=" + m + "]").size();
                assertEquals(1, charts + errors, k.name() + " " + m + ": one chart or one error box");
            }
            assertEquals(k.verdict().name(), d.selectFirst("tr.verdict-row[data-case=" + k.name() + "]").attr("data-verdict"));
        }
        // Readable cases get real charts with both curves and the difference panels.
        Element pass = d.selectFirst("section.case[data-case=" + PASS + "]");
        assertEquals(2, pass.select("figure.curves svg path.series").size() / 2);
        assertEquals(2, pass.select(".abs-diff-zero").size(), "identical runs say so instead of drawing flat or empty charts");
        Element fail = d.selectFirst("section.case[data-case=" + FAIL + "]");
        assertEquals(2, fail.select("figure.diff").size());
        assertEquals(2, fail.select("figure.absdiff").size());
        assertEquals(2, fail.select("figure.curves path.divergence").size(), "a marker at the first divergent step");
        assertEquals("ERROR", d.selectFirst("#overall").attr("data-verdict"), "crashed cases make the whole comparison undecided");
    }

    @Test
    void htmlIsSelfContained() throws IOException {
        writeSample(100);
        String raw = Files.readString(dir.resolve("report.html"));
        Document d = Jsoup.parse(raw);
        assertTrue(d.select("script, link, iframe, object, embed, img[src^=http]").isEmpty());
        String withoutSvgNamespace = raw.replace("http://www.w3.org/2000/svg", "");
        assertFalse(withoutSvgNamespace.contains("http://") || withoutSvgNamespace.contains("https://"), "no network references");
        assertFalse(raw.contains(dir.toString()), "no absolute paths of this machine");
        // Raw logs are linked relatively.
        assertNotNull(d.selectFirst("a[href=" + FAIL + "/test_training.log]"));
        // The step table is collapsed by default.
        assertFalse(d.select("details.steps").isEmpty());
        assertTrue(d.select("details.steps[open]").isEmpty());
    }

    @Test
    void failCaseShowsItsFirstDivergentStepInAllFourOutputs() throws Exception {
        Comparison c = writeSample(100);
        int step = failStep(c);
        assertEquals(100 / Fixtures.FAIL_STEP_FRACTION, step);

        Document d = html();
        Element row = d.selectFirst("tr.verdict-row[data-case=" + FAIL + "]");
        assertTrue(row.hasClass("v-fail"), "a failing row stands out");
        assertEquals(String.valueOf(step), row.selectFirst("td.first-divergence").text());
        Element section = d.selectFirst("section.case[data-case=" + FAIL + "]");
        assertTrue(section.selectFirst("div.metric[data-metric=loss] h3").text().contains("first divergence at step " + step));
        assertEquals(String.valueOf(step), section.selectFirst("table.steps tr.first td").text());

        var x = junit();
        NodeList failures = x.getElementsByTagName("failure");
        assertEquals(2, failures.getLength());
        String msg = ((org.w3c.dom.Element) failures.item(0)).getAttribute("message");
        assertTrue(msg.contains("differs from step " + step), msg);
        var mr = c.cases().get(1).metrics().get(0);
        assertTrue(msg.contains(Double.toString(mr.baselineAtDivergence())) && msg.contains(Double.toString(mr.testAtDivergence())),
                "both values: " + msg);

        String md = Files.readString(dir.resolve("summary.md"));
        assertTrue(md.contains("FAIL from step " + step), md);

        JsonNode json = ComparisonJson.MAPPER.readTree(dir.resolve("comparison.json").toFile());
        assertEquals(Comparison.SCHEMA_VERSION, json.get("schema_version").asInt());
        JsonNode failCase = json.get("cases").get(1);
        assertEquals(FAIL, failCase.get("name").asText());
        assertEquals(step, failCase.get("metrics").get(0).get("first_divergent_step").asInt());
    }

    @Test
    void errorCasesShowAsErrorsInAllFourOutputs() throws Exception {
        writeSample(100);
        Document d = html();
        for (String name : List.of(CRASH, MISSING)) {
            Element row = d.selectFirst("tr.verdict-row[data-case=" + name + "]");
            assertTrue(row.hasClass("v-error"));
            Element section = d.selectFirst("section.case[data-case=" + name + "]");
            assertNotNull(section.selectFirst(".error-box.case-error"), name + " has a visible error box");
        }
        Element missing = d.selectFirst("section.case[data-case=" + MISSING + "]");
        assertTrue(missing.select("figure.chart").isEmpty(), "no chart at all for a missing series");
        assertEquals(2, missing.select(".chart-error").size());
        assertTrue(missing.text().contains(MISSING + "/test.jsonl is missing"), missing.text());
        Element crash = d.selectFirst("section.case[data-case=" + CRASH + "]");
        assertTrue(crash.selectFirst(".case-error").text().contains("out of memory"));
        assertTrue(crash.text().contains("different step counts"), "a partial run is called out next to its curves");

        var x = junit();
        NodeList errors = x.getElementsByTagName("error");
        assertEquals(4, errors.getLength());
        String all = "";
        for (int i = 0; i < errors.getLength(); i++) all += ((org.w3c.dom.Element) errors.item(i)).getAttribute("message") + "\n";
        assertTrue(all.contains("out of memory") && all.contains("no metrics file"), all);

        String md = Files.readString(dir.resolve("summary.md"));
        assertTrue(md.contains("| " + CRASH + " | ⚠️ ERROR |"), md);
        assertTrue(md.contains("out of memory"), md);

        Comparison back = ComparisonJson.read(dir.resolve("comparison.json"));
        assertEquals(Verdict.ERROR, back.cases().get(2).verdict());
        assertEquals(Verdict.ERROR, back.cases().get(3).verdict());
        assertEquals(2, back.exitCode());
    }

    @Test
    void junitXmlHasTheCountsCiReportersRead() throws Exception {
        Comparison c = writeSample(100);
        var x = junit();
        var root = x.getDocumentElement();
        assertEquals("testsuites", root.getTagName());
        NodeList suites = x.getElementsByTagName("testsuite");
        assertEquals(1, suites.getLength(), "one testsuite per comparison");
        for (var e : List.of(root, (org.w3c.dom.Element) suites.item(0))) {
            assertAll(
                    () -> assertEquals("8", e.getAttribute("tests")),
                    () -> assertEquals("2", e.getAttribute("failures")),
                    () -> assertEquals("4", e.getAttribute("errors")),
                    () -> assertEquals("0", e.getAttribute("skipped")),
                    () -> assertTrue(e.getAttribute("time").matches("\\d+\\.\\d{3}")));
        }
        assertEquals("2025-06-03T09:15:42", ((org.w3c.dom.Element) suites.item(0)).getAttribute("timestamp"));
        NodeList cases = x.getElementsByTagName("testcase");
        assertEquals(c.cases().size() * c.metrics().size(), cases.getLength());
        for (int i = 0; i < cases.getLength(); i++) {
            var tc = (org.w3c.dom.Element) cases.item(i);
            assertFalse(tc.getAttribute("name").isEmpty());
            assertTrue(tc.getAttribute("classname").startsWith("loss_compare."));
            assertTrue(tc.getAttribute("time").matches("\\d+\\.\\d{3}"));
        }
    }

    @Test
    void rerenderReproducesByteIdenticalFiles() throws IOException {
        writeSample(100);
        List<String> names = List.of("report.html", "junit.xml", "summary.md", "comparison.json");
        byte[][] before = new byte[names.size()][];
        for (int i = 0; i < names.size(); i++) before[i] = Files.readAllBytes(dir.resolve(names.get(i)));
        for (String n : names) {
            if (!n.equals("comparison.json")) Files.delete(dir.resolve(n));
        }
        ReportWriter.rerender(dir);
        for (int i = 0; i < names.size(); i++) {
            assertArrayEquals(before[i], Files.readAllBytes(dir.resolve(names.get(i))), names.get(i));
        }
    }

    @Test
    void tenThousandStepsStayReadableAndSmall() throws IOException {
        long t0 = System.nanoTime();
        Comparison c = writeSample(10_000);
        double secs = (System.nanoTime() - t0) / 1e9;
        long size = Files.size(dir.resolve("report.html"));
        assertTrue(size < 2_500_000, "report.html is " + size + " bytes");
        Document d = html();
        Element fail = d.selectFirst("section.case[data-case=" + FAIL + "]");
        for (Element path : fail.select("figure.curves path.series")) {
            long points = path.attr("d").chars().filter(ch -> ch == 'L' || ch == 'M').count();
            assertTrue(points <= 3 * 1100, "downsampled to about two points per pixel column: " + points);
            assertTrue(points > 500, "still shows the series' shape: " + points);
        }
        assertEquals(String.valueOf(failStep(c)), d.selectFirst("tr.verdict-row[data-case=" + FAIL + "] td.first-divergence").text());
        // The step table lists a bounded window including the first divergence.
        Element steps = fail.selectFirst("table.steps");
        assertTrue(steps.select("tbody tr").size() < 700);
        assertEquals(String.valueOf(failStep(c)), steps.selectFirst("tr.first td").text());
        assertTrue(secs < 30, "rendering took " + secs + " s");
    }

    @Test
    void emptyComparisonIsAnErrorEverywhere() throws Exception {
        Comparison c = new Comparison(Comparison.SCHEMA_VERSION, dev.losscompare.core.result.ComparisonKind.COMPARE, null, null, null, 0, 42, 1, List.of("loss"),
                null, null, 0, List.of());
        ReportWriter.writeAll(dir, c);
        assertEquals("ERROR", html().selectFirst("#overall").attr("data-verdict"));
        var x = junit();
        assertEquals("1", x.getDocumentElement().getAttribute("errors"));
        assertTrue(Files.readString(dir.resolve("summary.md")).contains("ERROR"));
    }

    @Test
    void awkwardTextIsEscapedEverywhere() throws Exception {
        Comparison c = Fixtures.sample(dir, 20);
        CaseResult k = c.cases().get(3);
        String nasty = "bad <tag> & \"quote\" | pipe \u0001 control ]]> end";
        CaseResult bad = new CaseResult("odd case <1>", k.model(), k.flavor(), k.config(), Verdict.ERROR, nasty, null,
                k.baseline(), k.test(), k.metrics());
        c = new Comparison(c.schemaVersion(), c.kind(), c.baseline(), c.test(), c.configPath(), c.steps(), c.seed(), c.threads(),
                c.metrics(), c.mode(), c.startedAt(), c.wallSeconds(), List.of(bad));
        ReportWriter.writeAll(dir, c);
        var x = junit(); // parses: escaped, and no raw control character
        var error = (org.w3c.dom.Element) x.getElementsByTagName("error").item(0);
        assertTrue(error.getTextContent().startsWith("bad <tag> & \"quote\" | pipe \uFFFD control ]]> end"), error.getTextContent());
        Document d = html();
        assertEquals(1, d.select("tr.verdict-row").size());
        assertTrue(d.selectFirst(".case-error").text().contains("bad <tag> & \"quote\""));
        assertTrue(Files.readString(dir.resolve("summary.md")).contains("odd case &lt;1>"));
    }

    @Test
    void nonFiniteValuesAreCalledOutNotSilentlyDropped() throws Exception {
        Comparison c = Fixtures.sample(dir, 20, List.of(Fixtures.FOUR.get(0)));
        Path test = dir.resolve(PASS + "/test.jsonl");
        Files.writeString(test, Files.readString(test) + "{\"step\":21,\"loss\":NaN,\"grad_norm\":Infinity}\n");
        ReportWriter.writeAll(dir, c);
        Element note = html().selectFirst("div.metric[data-metric=loss] .non-finite");
        assertNotNull(note);
        assertTrue(note.text().contains("step 21 (NaN)"), note.text());
        assertTrue(html().selectFirst("div.metric[data-metric=loss]").text().contains("different step counts"));
    }
}
