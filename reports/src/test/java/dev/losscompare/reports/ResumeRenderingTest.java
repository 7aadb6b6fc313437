package dev.losscompare.reports;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.losscompare.core.result.CaseResult;
import dev.losscompare.core.result.Comparison;
import dev.losscompare.core.result.ResumeResult;
import dev.losscompare.core.result.Verdict;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import javax.xml.parsers.DocumentBuilderFactory;
import org.jsoup.Jsoup;
import org.jsoup.nodes.Element;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.w3c.dom.NodeList;

/** The reports show a case's resume checks as core decided them, and nothing of them when none ran. */
class ResumeRenderingTest {
    @TempDir Path dir;

    private static final ResumeResult SAME = new ResumeResult("baseline", 5, false, 20, Verdict.PASS, null, null, null, null);
    private static final ResumeResult LOST = new ResumeResult("test", 5, false, 20, Verdict.FAIL, 7,
            "in its update: the state after step 6 differs", "the step-5 checkpoint lacks optimizer.exp_avg_sq", null);

    private Comparison withResume(Comparison c, List<ResumeResult> checks) {
        List<CaseResult> cases = c.cases().stream().map(r -> r.withResume(checks)).toList();
        return new Comparison(c.schemaVersion(), c.kind(), c.baseline(), c.test(), c.configPath(), c.steps(), c.seed(), c.threads(),
                c.metrics(), c.mode(), c.startedAt(), c.wallSeconds(), cases);
    }

    @Test
    void eachResumeCheckIsALineInEveryReport() throws Exception {
        Comparison c = withResume(Fixtures.sample(dir, 20, List.of(Fixtures.FOUR.get(0))), List.of(SAME, LOST));
        assertEquals(Verdict.FAIL, c.cases().get(0).verdict(), "core folds the FAILed resume check into the case");
        ReportWriter.writeAll(dir, c);

        var items = Jsoup.parse(Files.readString(dir.resolve("report.html"))).select("section.case div.resume li");
        assertEquals(2, items.size());
        assertEquals(List.of("PASS", "FAIL"), items.stream().map(e -> e.attr("data-verdict")).toList());
        Element lost = items.get(1);
        assertTrue(lost.text().contains(LOST.line()), lost.text());
        assertTrue(lost.text().contains("differs from step 7"), lost.text());

        var f = DocumentBuilderFactory.newInstance();
        f.setFeature("http://apache.org/xml/features/disallow-doctype-decl", true);
        var xml = f.newDocumentBuilder().parse(dir.resolve("junit.xml").toFile());
        NodeList tests = xml.getElementsByTagName("testcase");
        assertEquals(4, tests.getLength(), "loss, grad_norm and one per resume check");
        var resumed = (org.w3c.dom.Element) tests.item(3);
        assertEquals("llama3_debugmodel resume at 5 (test)", resumed.getAttribute("name"));
        var failure = (org.w3c.dom.Element) resumed.getElementsByTagName("failure").item(0);
        assertEquals(LOST.line(), failure.getAttribute("message"));
        assertEquals(0, ((org.w3c.dom.Element) tests.item(2)).getElementsByTagName("failure").getLength(), "the baseline's check passed");
        assertEquals("1", ((org.w3c.dom.Element) xml.getElementsByTagName("testsuite").item(0)).getAttribute("failures"));

        String md = Files.readString(dir.resolve("summary.md"));
        assertTrue(md.contains("**llama3_debugmodel** " + SAME.line()), md);
        assertTrue(md.contains("⚠️ **llama3_debugmodel** " + LOST.line()), md);
    }

    @Test
    void withoutResumeChecksNothingOfThemIsRendered() throws IOException {
        ReportWriter.writeAll(dir, Fixtures.sample(dir, 20, List.of(Fixtures.FOUR.get(0))));
        for (String file : List.of("report.html", "junit.xml", "summary.md", "comparison.json")) {
            String text = Files.readString(dir.resolve(file));
            assertFalse(text.contains("resume") || text.contains("Resume"), file + " mentions resuming with no check run");
        }
    }
}
