package dev.losscompare.reports.junit;

import dev.losscompare.core.perf.PerfChange;
import dev.losscompare.core.perf.PerfVerdict;
import dev.losscompare.core.result.CaseResult;
import dev.losscompare.core.result.ResumeResult;
import dev.losscompare.core.result.Diagnosis;
import dev.losscompare.core.result.Comparison;
import dev.losscompare.core.judge.Undetectable;
import dev.losscompare.core.result.MetricResult;
import dev.losscompare.core.result.RunInfo;
import dev.losscompare.core.result.Verdict;
import dev.losscompare.reports.series.CaseSeries;
import dev.losscompare.reports.text.Fmt;
import java.io.StringWriter;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import javax.xml.stream.XMLOutputFactory;
import javax.xml.stream.XMLStreamException;
import javax.xml.stream.XMLStreamWriter;

/**
 * junit.xml in the shape Jenkins, GitLab and the GitHub test reporters read: a {@code testsuites}
 * root holding one {@code testsuite} for the comparison, one {@code testcase} per model case and
 * metric, a {@code failure} for a divergence and an {@code error} for a case that could not be
 * decided. Written with StAX so every value is escaped by the XML library.
 * Over 250 lines on purpose: the properties, failures and extra test cases (diagnosis, resume
 * checks) must be emitted in one pass of the StAX stream, in the order CI readers expect.
 */
public final class JUnitXmlWriter {
    private JUnitXmlWriter() {}

    /**
     * A (case, metric) test with the verdict JUnit should show; {@code properties} are the
     * performance numbers of a case's "performance" test (empty for the metrics).
     */
    record TestCase(String caseName, String metric, Verdict verdict, String message, String details, double seconds, String logs,
                    Map<String, String> properties) {
        TestCase(String caseName, String metric, Verdict verdict, String message, String details, double seconds, String logs) {
            this(caseName, metric, verdict, message, details, seconds, logs, Map.of());
        }

        /** A performance FAIL is told apart from a loss divergence by its type. */
        String failureType() {
            return PERFORMANCE.equals(metric) ? "PerformanceRegression" : "LossDivergence";
        }
    }

    static final String PERFORMANCE = "performance";

    public static String render(Comparison c, List<CaseSeries> cases) {
        List<TestCase> tests = tests(c, cases);
        long failures = tests.stream().filter(t -> t.verdict() == Verdict.FAIL).count();
        long errors = tests.stream().filter(t -> t.verdict() == Verdict.ERROR).count();
        StringWriter sw = new StringWriter();
        try {
            XMLStreamWriter x = XMLOutputFactory.newFactory().createXMLStreamWriter(sw);
            x.writeStartDocument("UTF-8", "1.0");
            nl(x, 0);
            x.writeStartElement("testsuites");
            x.writeAttribute("name", "loss_compare");
            counts(x, tests.size(), failures, errors, c.wallSeconds());
            nl(x, 1);
            x.writeStartElement("testsuite");
            x.writeAttribute("name", "loss_compare " + spec(c.baseline()) + " vs " + spec(c.test()));
            counts(x, tests.size(), failures, errors, c.wallSeconds());
            String ts = timestamp(c.startedAt());
            if (ts != null) x.writeAttribute("timestamp", ts);
            properties(x, c);
            for (TestCase t : tests) testcase(x, t);
            nl(x, 1);
            x.writeEndElement();
            nl(x, 0);
            x.writeEndElement();
            x.writeEndDocument();
            x.close();
        } catch (XMLStreamException e) {
            throw new IllegalStateException("cannot write junit.xml", e);
        }
        return sw + "\n";
    }

    static List<TestCase> tests(Comparison c, List<CaseSeries> cases) {
        List<TestCase> out = new ArrayList<>();
        if (cases.isEmpty()) {
            out.add(new TestCase("loss_compare", "cases", Verdict.ERROR, "no cases were compared", "", 0, ""));
        }
        for (CaseSeries k : cases) {
            CaseResult r = k.result();
            double secs = Math.max(wall(r.baseline()), wall(r.test()));
            String logs = logs(r);
            for (String m : k.metrics(c.metrics())) {
                MetricResult mr = k.metricResult(m);
                out.add(testCase(r, k, m, mr, secs, logs));
            }
            if (r.resume() != null) {
                for (ResumeResult check : r.resume()) out.add(resumeCase(r, check, logs));
            }
            if (r.performance() != null) out.add(performance(r, secs, logs));
        }
        return out;
    }

    private static TestCase testCase(CaseResult r, CaseSeries k, String metric, MetricResult mr, double secs, String logs) {
        String caseError = r.error() != null ? r.error()
                : !k.seriesErrors().isEmpty() ? String.join("; ", k.seriesErrors()) : null;
        if (mr == null) {
            String why = caseError != null ? caseError : metric + " was not compared";
            return new TestCase(r.name(), metric, Verdict.ERROR, why, why, secs, logs);
        }
        String details = details(mr, r);
        if (mr.verdict() == Verdict.ERROR) {
            String why = mr.message() != null ? mr.message() : caseError != null ? caseError : "could not decide";
            if (caseError != null && !why.equals(caseError)) details = caseError + "\n" + details;
            return new TestCase(r.name(), metric, Verdict.ERROR, why, details, secs, logs);
        }
        if (mr.verdict() == Verdict.FAIL) {
            String msg = mr.firstDivergentStep() != null
                    ? metric + " differs from step " + mr.firstDivergentStep() + ": baseline " + Fmt.value(mr.baselineAtDivergence())
                            + ", test " + Fmt.value(mr.testAtDivergence()) + " (max abs diff " + Fmt.stat(mr.maxAbsDiff())
                            + ", max rel diff " + Fmt.stat(mr.maxRelDiff()) + ")"
                    : metric + " differs: " + (mr.message() != null ? mr.message() : "see report.html");
            if (r.diagnosis() != null) msg += r.diagnosis().verdictSuffix();
            return new TestCase(r.name(), metric, Verdict.FAIL, msg, details, secs, logs);
        }
        return new TestCase(r.name(), metric, Verdict.PASS, null, details, secs, logs, undetectable(metric, mr.undetectable()));
    }

    /** A PASS within noise that moved: what it could have missed, as the testcase's properties (none otherwise). */
    private static Map<String, String> undetectable(String metric, Undetectable u) {
        if (u == null) return Map.of();
        Map<String, String> p = new LinkedHashMap<>();
        p.put("noise.could_have_missed", u.metricText(metric));
        p.put("noise.undetectable_below", Fmt.value(u.below()));
        p.put("noise.at_step", String.valueOf(u.atStep()));
        p.put("noise.margin", Fmt.value(u.margin()));
        p.put("noise.close_to_margin", String.valueOf(u.closeToMargin()));
        return p;
    }

    /** One test per resume check, as core decided it; its line is the message. */
    private static TestCase resumeCase(CaseResult r, ResumeResult check, String logs) {
        String name = "resume at " + check.resumeAt() + (check.across() ? " (across)" : " (" + check.side() + ")");
        String message = check.verdict() == Verdict.PASS ? null : check.line();
        return new TestCase(r.name(), name, check.verdict(), message, check.line() + "\n", 0, logs);
    }

    /** The performance verdict as its own test (a performance FAIL is never a metric's), its figures as properties. */
    private static TestCase performance(CaseResult r, double secs, String logs) {
        PerfVerdict p = r.performance();
        Map<String, String> props = new LinkedHashMap<>();
        props.put("performance.status", p.status().name());
        props.put("performance.noise_method", p.noiseMethod());
        if (p.firstStep() != null) props.put("performance.steps", p.firstStep() + "-" + p.lastStep());
        for (PerfChange ch : p.changes()) {
            String key = "performance." + ch.quantity().name().toLowerCase(java.util.Locale.ROOT);
            if (ch.baseline() != null) props.put(key + ".baseline", Fmt.value(ch.baseline()));
            if (ch.test() != null) props.put(key + ".test", Fmt.value(ch.test()));
            if (ch.change() != null) props.put(key + ".change", Fmt.value(ch.change()));
            props.put(key + ".noise", Fmt.value(ch.noise()));
            props.put(key + ".outcome", ch.outcome().name());
        }
        Verdict v = p.verdict();
        return new TestCase(r.name(), PERFORMANCE, v, v == Verdict.PASS ? null : p.line(), p.line() + "\n", secs, logs, props);
    }

    private static String details(MetricResult mr, CaseResult r) {
        StringBuilder s = new StringBuilder();
        s.append("metric: ").append(mr.metric()).append('\n');
        if (mr.firstDivergentStep() != null) {
            s.append("first divergent step: ").append(mr.firstDivergentStep()).append('\n')
                    .append("baseline at step ").append(mr.firstDivergentStep()).append(": ").append(Fmt.value(mr.baselineAtDivergence())).append('\n')
                    .append("test at step ").append(mr.firstDivergentStep()).append(": ").append(Fmt.value(mr.testAtDivergence())).append('\n');
        }
        s.append("max abs diff: ").append(Fmt.stat(mr.maxAbsDiff())).append('\n')
                .append("max rel diff: ").append(Fmt.stat(mr.maxRelDiff())).append('\n')
                .append("mean abs diff: ").append(Fmt.stat(mr.meanAbsDiff())).append('\n')
                .append("compared steps: ").append(mr.comparedSteps()).append('\n');
        if (mr.message() != null) s.append("note: ").append(mr.message()).append('\n');
        if (r.inputsDivergeAtStep() != null) {
            s.append("inputs (data_fingerprint) differ from step ").append(r.inputsDivergeAtStep()).append('\n');
        }
        Diagnosis d = r.diagnosis();
        if (d != null) s.append(d.where() != null ? "where: " + d.where() : "where: no location (" + d.reason() + ")").append('\n');
        return s.toString();
    }

    private static void testcase(XMLStreamWriter x, TestCase t) throws XMLStreamException {
        nl(x, 2);
        x.writeStartElement("testcase");
        x.writeAttribute("name", t.caseName() + " " + t.metric());
        x.writeAttribute("classname", "loss_compare." + t.caseName());
        x.writeAttribute("time", Fmt.xmlSeconds(t.seconds()));
        if (!t.properties().isEmpty()) properties(x, t.properties(), 3);
        if (t.verdict() != Verdict.PASS) {
            nl(x, 3);
            x.writeStartElement(t.verdict() == Verdict.FAIL ? "failure" : "error");
            x.writeAttribute("message", clean(t.message()));
            x.writeAttribute("type", t.verdict() == Verdict.FAIL ? t.failureType() : "RunError");
            x.writeCharacters(clean(t.details()));
            x.writeEndElement();
        }
        if (!t.logs().isEmpty()) {
            nl(x, 3);
            x.writeStartElement("system-out");
            x.writeCharacters(clean(t.logs()));
            x.writeEndElement();
        }
        nl(x, 2);
        x.writeEndElement();
    }

    private static void properties(XMLStreamWriter x, Comparison c) throws XMLStreamException {
        Map<String, String> p = new LinkedHashMap<>();
        if (c.environments() != null) {
            p.put("environments", c.environments().headline());
            p.put("environment.baseline", c.environments().baselineName() + " " + c.environments().baseline());
            p.put("environment.test", c.environments().testName() + " " + c.environments().test());
        }
        p.put("kind", c.kind() == null ? null : c.kind().json());
        p.put("baseline", revision(c.baseline()));
        p.put("test", revision(c.test()));
        p.put("config", c.configPath());
        p.put("steps", String.valueOf(c.steps()));
        p.put("seed", String.valueOf(c.seed()));
        p.put("threads", String.valueOf(c.threads()));
        p.put("metrics", String.join(",", c.metrics()));
        p.put("mode", c.modeUsed());
        p.put("initialization", c.initialization());
        for (var input : c.workingTreeInputs()) p.put("from_working_tree " + input.path(), input.fingerprint());
        properties(x, p, 2);
    }

    /** A {@code properties} element at {@code depth}; entries without a value are left out. */
    private static void properties(XMLStreamWriter x, Map<String, String> p, int depth) throws XMLStreamException {
        nl(x, depth);
        x.writeStartElement("properties");
        for (var e : p.entrySet()) {
            if (e.getValue() == null) continue;
            nl(x, depth + 1);
            x.writeEmptyElement("property");
            x.writeAttribute("name", e.getKey());
            x.writeAttribute("value", clean(e.getValue()));
        }
        nl(x, depth);
        x.writeEndElement();
    }

    private static void counts(XMLStreamWriter x, int tests, long failures, long errors, double seconds) throws XMLStreamException {
        x.writeAttribute("tests", String.valueOf(tests));
        x.writeAttribute("failures", String.valueOf(failures));
        x.writeAttribute("errors", String.valueOf(errors));
        x.writeAttribute("skipped", "0");
        x.writeAttribute("time", Fmt.xmlSeconds(seconds));
    }

    private static String logs(CaseResult r) {
        StringBuilder s = new StringBuilder();
        for (RunInfo run : new RunInfo[] {r.baseline(), r.test()}) {
            if (run == null) continue;
            if (run.logFile() != null) s.append(run.side()).append(" log: ").append(run.logFile()).append('\n');
            if (run.metricsFile() != null) s.append(run.side()).append(" metrics: ").append(run.metricsFile()).append('\n');
        }
        return s.toString();
    }

    private static double wall(RunInfo run) {
        return run == null || run.wallSeconds() == null || run.wallSeconds().isNaN() ? 0 : run.wallSeconds();
    }

    private static String spec(dev.losscompare.core.result.Revision r) {
        return r == null ? "?" : r.spec();
    }

    private static String revision(dev.losscompare.core.result.Revision r) {
        if (r == null) return null;
        if (r.workingTree()) return r.spec() + " (working tree)";
        return r.spec() + (r.commitId() != null ? " " + r.commitId() : "");
    }

    /** The JUnit schema's timestamp is an xs:dateTime without zone: UTC, to the second. */
    static String timestamp(String startedAt) {
        if (startedAt == null || startedAt.isBlank()) return null;
        DateTimeFormatter f = DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ss");
        try {
            return f.format(Instant.parse(startedAt).atOffset(ZoneOffset.UTC));
        } catch (DateTimeParseException ignored) {
            // try the next shape
        }
        try {
            return f.format(OffsetDateTime.parse(startedAt).withOffsetSameInstant(ZoneOffset.UTC));
        } catch (DateTimeParseException ignored) {
            // try the next shape
        }
        try {
            return f.format(LocalDateTime.parse(startedAt));
        } catch (DateTimeParseException e) {
            return null;
        }
    }

    /** XML 1.0 cannot carry most control characters, even escaped; a trainer's stderr might. */
    static String clean(String s) {
        if (s == null) return "";
        StringBuilder b = new StringBuilder(s.length());
        s.codePoints().forEach(cp -> {
            boolean ok = cp == 0x9 || cp == 0xA || cp == 0xD || (cp >= 0x20 && cp <= 0xD7FF)
                    || (cp >= 0xE000 && cp <= 0xFFFD) || (cp >= 0x10000 && cp <= 0x10FFFF);
            b.appendCodePoint(ok ? cp : 0xFFFD);
        });
        return b.toString();
    }

    private static void nl(XMLStreamWriter x, int depth) throws XMLStreamException {
        x.writeCharacters("\n" + "  ".repeat(depth));
    }
}
