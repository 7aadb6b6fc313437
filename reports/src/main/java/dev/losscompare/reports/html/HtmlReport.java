package dev.losscompare.reports.html;

import dev.losscompare.core.text.Durations;
import static dev.losscompare.reports.text.Markup.esc;

import dev.losscompare.reports.chart.ChartSpec;
import dev.losscompare.reports.chart.SvgChart;
import dev.losscompare.core.judge.NoiseBand;
import dev.losscompare.core.result.CaseResult;
import dev.losscompare.core.result.ResumeResult;
import dev.losscompare.core.result.Comparison;
import dev.losscompare.core.judge.ComparisonMode;
import dev.losscompare.core.result.MetricResult;
import dev.losscompare.core.result.Revision;
import dev.losscompare.core.result.RunInfo;
import dev.losscompare.core.series.StepRecord;
import dev.losscompare.core.result.Verdict;
import dev.losscompare.reports.series.AlignedMetric;
import dev.losscompare.reports.series.CaseSeries;
import dev.losscompare.reports.series.SideSeries;
import dev.losscompare.reports.text.Fmt;
import java.net.URI;
import java.net.URISyntaxException;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * report.html: one self-contained page (inline CSS and SVG, no script, no network) with the
 * header, the verdict table and a section per case. Elements the tests count carry stable
 * classes: {@code tr.verdict-row}, {@code section.case}, {@code figure.curves},
 * {@code .chart-error}, each with {@code data-case} / {@code data-metric}.
 * Longer than the other renderers on purpose: the page is read top to bottom, so its sections are
 * written here in that order; the pieces with rules of their own (charts, the Where block, step
 * rows, styles) live in their own classes.
 */
public final class HtmlReport {
    static final String BASE_COLOR = "#1f77b4", TEST_COLOR = "#ff7f0e", DIFF_COLOR = "#6a3d9a", NOISE_COLOR = "#2ca02c";

    private final Comparison c;
    private final List<CaseSeries> cases;
    private final List<String> anchors;
    private final StringBuilder out = new StringBuilder(256 * 1024);

    private HtmlReport(Comparison c, List<CaseSeries> cases) {
        this.c = c;
        this.cases = cases;
        this.anchors = anchors(cases);
    }

    public static String render(Comparison c, List<CaseSeries> cases) {
        return new HtmlReport(c, cases).page();
    }

    private String page() {
        Verdict overall = c.overall();
        out.append("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n")
                .append("<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n")
                .append("<title>").append(esc(overall + " · " + side(c.baseline()) + " vs " + side(c.test()) + " · loss_compare"))
                .append("</title>\n<style>\n").append(Style.CSS).append("</style>\n</head>\n<body>\n<main>\n");
        banner(overall);
        runSection();
        verdictTable();
        for (int i = 0; i < cases.size(); i++) caseSection(cases.get(i), anchors.get(i));
        out.append("<footer>Rendered from comparison.json (schema_version ").append(c.schemaVersion())
                .append(") and the series files next to it. Charts downsample long runs (min/max per pixel column);")
                .append(" verdicts always use every step.</footer>\n</main>\n</body>\n</html>\n");
        return out.toString();
    }

    // ---- header --------------------------------------------------------------------------

    private void banner(Verdict overall) {
        long failed = cases.stream().filter(k -> k.result().verdict() == Verdict.FAIL).count();
        long errors = cases.stream().filter(k -> k.result().verdict() == Verdict.ERROR).count();
        long slower = cases.stream().filter(k -> k.result().performance() != null
                && k.result().performance().verdict() != Verdict.PASS).count();
        String what = cases.isEmpty() ? "no cases were compared"
                : overall == Verdict.PASS ? (cases.size() == 1 ? "the case matches" : "all " + cases.size() + " cases match")
                : failed + " of " + cases.size() + " case" + plural(cases.size()) + " differ"
                        + (errors > 0 ? ", " + errors + " could not be decided" : "")
                        + (slower > 0 ? "; " + slower + " not passed in performance (speed or memory)" : "");
        out.append("<header class=\"banner ").append(cls(overall)).append("\" id=\"overall\" data-verdict=\"").append(overall)
                .append("\">\n<h1>").append(overall).append(" · ").append(esc(side(c.baseline()))).append(" vs ")
                .append(esc(side(c.test()))).append("</h1>\n<p>").append(esc(what)).append(" · ").append(esc(c.modeUsed()))
                .append(" · exit code ").append(c.exitCode()).append("</p>\n");
        // An environment change heads the report: what moved besides the code.
        if (c.environments() != null) {
            out.append("<p class=\"environments\" id=\"environments\">").append(esc(c.environments().headline())).append("</p>\n");
        }
        out.append("</header>\n");
    }

    private void runSection() {
        out.append("<section id=\"run\">\n<h2>Comparison</h2>\n<table class=\"revisions\">\n")
                .append("<tr><th></th><th>Revision</th><th>Commit</th><th>Subject</th><th>Author date</th></tr>\n");
        revisionRow("baseline", c.baseline());
        revisionRow("test", c.test());
        out.append("</table>\n<div class=\"kv\">\n");
        kv("Kind", c.kind() == null ? null : c.kind().json());
        if (c.environments() != null) {
            kv("Baseline environment", c.environments().baselineName() + " " + c.environments().baseline());
            kv("Test environment", c.environments().testName() + " " + c.environments().test());
        }
        kv("Config", c.configPath());
        kv("Steps", String.valueOf(c.steps()));
        if (c.trainedHere()) {
            kv("Seed", String.valueOf(c.seed()));
            kv("Threads", String.valueOf(c.threads()));
        }
        if (c.initialization() != null) kv("Initial weights", c.initialization());
        for (var input : c.workingTreeInputs()) kv("From the working tree", input.describe());
        kv("Metrics", String.join(", ", c.metrics()));
        kv("Mode", c.modeUsed());
        kv("Started", c.startedAt());
        kv("Wall time", Durations.human(c.wallSeconds()));
        out.append("</div>\n</section>\n");
    }

    private void revisionRow(String label, Revision r) {
        out.append("<tr><th>").append(label).append("</th>");
        if (r == null) {
            out.append("<td colspan=\"4\">—</td></tr>\n");
            return;
        }
        out.append("<td><code>").append(esc(r.spec())).append("</code></td>");
        if (r.workingTree()) {
            out.append("<td>working tree").append(r.commitId() != null ? " on <code>" + esc(Fmt.shortId(r.commitId())) + "</code>" : "")
                    .append("</td><td colspan=\"2\">uncommitted changes included</td></tr>\n");
        } else {
            out.append("<td><code title=\"").append(esc(r.commitId())).append("\">").append(esc(Fmt.shortId(r.commitId())))
                    .append("</code></td><td>").append(esc(orDash(r.subject()))).append("</td><td>")
                    .append("<span class=\"nowrap\">").append(esc(orDash(r.authorDate()))).append("</span></td></tr>\n");
        }
    }

    private void kv(String k, String v) {
        out.append("<div><b>").append(esc(k)).append("</b>").append(esc(orDash(v))).append("</div>\n");
    }

    // ---- verdict table -------------------------------------------------------------------

    private void verdictTable() {
        List<String> metrics = allMetrics();
        out.append("<section id=\"verdicts\">\n<h2>Verdicts</h2>\n<div class=\"scroll\"><table class=\"verdicts\">\n<thead>\n<tr>")
                .append("<th rowspan=\"2\">Case</th><th rowspan=\"2\">Verdict</th>");
        boolean noise = c.judgedAgainstNoise();
        if (noise) out.append("<th rowspan=\"2\" class=\"n\" title=\"|test − baseline| / measured noise band\">× noise</th>");
        for (String m : metrics) out.append("<th colspan=\"4\" class=\"group\">").append(esc(m)).append("</th>");
        if (c.hasPerformance()) out.append("<th rowspan=\"2\" title=\"speed and memory, judged apart from the numbers\">Performance</th>");
        out.append("<th rowspan=\"2\" class=\"note-col\">Note</th></tr>\n<tr>");
        for (int i = 0; i < metrics.size(); i++) {
            out.append("<th class=\"first-of-group\">verdict</th><th class=\"n\" title=\"first divergent step\">from step</th>")
                    .append("<th class=\"n\" title=\"max |test − baseline|\">max abs</th><th class=\"n\" title=\"max |test − baseline| / |baseline|\">max rel</th>");
        }
        out.append("</tr>\n</thead>\n<tbody>\n");
        for (int i = 0; i < cases.size(); i++) {
            CaseSeries k = cases.get(i);
            CaseResult r = k.result();
            out.append("<tr class=\"verdict-row ").append(cls(r.verdict())).append("\" data-case=\"").append(esc(r.name()))
                    .append("\" data-verdict=\"").append(r.verdict()).append("\"><td><a href=\"#").append(anchors.get(i)).append("\">")
                    .append(esc(r.name())).append("</a><br><small class=\"model\">").append(esc(modelText(r))).append("</small></td><td>")
                    .append(badge(r.verdict())).append("</td>");
            if (noise) out.append("<td class=\"n num noise-multiple\">").append(esc(r.noiseMultipleText())).append("</td>");
            for (String m : metrics) {
                MetricResult mr = k.metricResult(m);
                if (mr == null) {
                    out.append("<td class=\"first-of-group\">").append(badge(null)).append("</td><td></td><td></td><td></td>");
                    continue;
                }
                out.append("<td class=\"first-of-group\" data-metric=\"").append(esc(m)).append("\">").append(badge(mr.verdict()))
                        .append("</td><td class=\"n num first-divergence\">").append(mr.firstDivergentStep() == null ? "—" : mr.firstDivergentStep())
                        .append("</td><td class=\"n num\">").append(stat(mr, mr.maxAbsDiff())).append("</td><td class=\"n num\">")
                        .append(stat(mr, mr.maxRelDiff())).append("</td>");
            }
            if (c.hasPerformance()) {
                var p = r.performance();
                out.append("<td class=\"perf-cell\"").append(p == null ? "" : " data-performance=\"" + p.status() + "\"").append(">")
                        .append(p == null ? "—" : badge(p.verdict()) + " " + esc(p.cell())).append("</td>");
            }
            out.append("<td>").append(esc(caseNote(k))).append("</td></tr>\n");
        }
        out.append("</tbody>\n</table></div>\n</section>\n");
    }

    private String caseNote(CaseSeries k) {
        CaseResult r = k.result();
        if (r.error() != null) return r.error();
        if (!k.seriesErrors().isEmpty()) return k.seriesErrors().get(0);
        if (r.inputsDivergeAtStep() != null) return "inputs differ from step " + r.inputsDivergeAtStep();
        List<String> notes = new ArrayList<>();
        if (r.modeReason() != null) notes.add(modeLine(r));
        if (r.note() != null) notes.add(r.note());
        if (r.undetectableText() != null) notes.add(r.undetectableText());
        return String.join("; ", notes);
    }

    /** "compared tolerance atol=… rtol=…: environment differs from the golden's (…)". */
    private String modeLine(CaseResult r) {
        return "compared " + r.modeOr(c.mode()).describe() + (r.modeReason() == null ? "" : ": " + r.modeReason());
    }

    /** center ± the measured noise band at each step the band covers: the shaded region a benign change stays in. */
    private static List<ChartSpec.Band> noiseBand(NoiseBand band, String metric, double[] steps, double[] center, String centerName) {
        int n = 0;
        for (double st : steps) if (band.band(metric, (int) st) != null) n++;
        double[] xs = new double[n], hi = new double[n], lo = new double[n];
        int i = 0;
        for (int j = 0; j < steps.length; j++) {
            Double b = band.band(metric, (int) steps[j]);
            if (b == null) continue;
            xs[i] = steps[j];
            hi[i] = center[j] + b;
            lo[i++] = center[j] - b;
        }
        return List.of(new ChartSpec.Band(centerName + " \u00b1 measured noise", NOISE_COLOR, 0.22, xs, lo, hi));
    }

    // ---- one case ------------------------------------------------------------------------

    /** The case's resume checks, one line each as core decided them (nothing when none ran). */
    private void resumeBlock(CaseResult r) {
        if (r.resume() == null) return;
        out.append("<div class=\"note resume\" data-case=\"").append(esc(r.name())).append("\"><strong>Resume check</strong><ul>");
        for (ResumeResult check : r.resume()) {
            out.append("<li data-verdict=\"").append(check.verdict()).append("\">").append(badge(check.verdict())).append(' ')
                    .append(esc(check.line())).append("</li>");
        }
        out.append("</ul></div>\n");
    }

    private void caseSection(CaseSeries k, String anchor) {
        CaseResult r = k.result();
        out.append("<section class=\"case ").append(cls(r.verdict())).append("\" id=\"").append(anchor).append("\" data-case=\"")
                .append(esc(r.name())).append("\" data-verdict=\"").append(r.verdict()).append("\">\n<h2>").append(badge(r.verdict()))
                .append(' ').append(esc(r.name())).append(" <small class=\"msg\">").append(esc(modelText(r)))
                .append(r.config() != null ? " · " + esc(r.config()) : "").append("</small></h2>\n");

        List<String> problems = new ArrayList<>();
        if (r.error() != null) problems.add(r.error());
        for (RunInfo run : new RunInfo[] {r.baseline(), r.test()}) {
            if (run != null && run.error() != null && !run.error().equals(r.error())) problems.add(run.side() + " run: " + run.error());
        }
        problems.addAll(k.seriesErrors());
        if (!problems.isEmpty() || r.verdict() == Verdict.ERROR) {
            out.append("<div class=\"error-box case-error\" role=\"alert\"><strong>")
                    .append(r.verdict() == Verdict.ERROR ? "Could not decide this case." : "Problems while rendering this case.")
                    .append("</strong><ul>");
            if (problems.isEmpty()) problems.add("no reason was recorded");
            for (String p : new java.util.LinkedHashSet<>(problems)) out.append("<li>").append(esc(p)).append("</li>");
            out.append("</ul></div>\n");
        }
        if (r.inputsDivergeAtStep() != null) {
            out.append("<div class=\"note warn inputs-diverge\">The inputs differ from step ").append(r.inputsDivergeAtStep())
                    .append(" (data_fingerprint): the data pipeline changed, so differences from there on are not the model's alone.</div>\n");
        }
        out.append("<p class=\"mode\">").append(esc(modeLine(r))).append("</p>\n");
        if (r.undetectableText() != null) {
            out.append("<div class=\"note").append(r.closeToMargin() ? " warn" : "").append(" undetectable\">Could have missed: ")
                    .append(esc(r.undetectableText())).append("</div>\n");
        }
        runsTable(k);
        WhereSection.render(out, r.name(), r.diagnosis());
        resumeBlock(r);
        PerfSection.render(out, k);

        TreeMap<Integer, StepRecord> b = k.baseline().byStep(), t = k.test().byStep();
        List<String> metrics = k.metrics(c.metrics());
        for (String m : metrics) metricBlock(k, m, AlignedMetric.of(m, b, t));
        stepTable(k, metrics, b, t);
        out.append("</section>\n");
    }

    private void runsTable(CaseSeries k) {
        out.append("<table class=\"runs\">\n<tr><th>Side</th><th>Options</th><th>Device</th><th class=\"n\">Threads</th>")
                .append("<th>Torch</th><th class=\"n\">Params</th><th class=\"n\">Wall time</th><th class=\"n\">Exit</th><th>Files</th></tr>\n");
        runRow(k.result().baseline(), k.baseline());
        runRow(k.result().test(), k.test());
        out.append("</table>\n");
    }

    private void runRow(RunInfo run, SideSeries s) {
        if (run == null) {
            out.append("<tr><td>").append(esc(s.side())).append("</td><td colspan=\"8\">no run recorded</td></tr>\n");
            return;
        }
        out.append("<tr><td>").append(esc(run.side())).append(run.fromCache() ? " <small>(cached)</small>" : "").append("</td><td>")
                .append(options(run.options())).append("</td><td>")
                .append(esc(meta(run, s, "device"))).append("</td><td class=\"n\">").append(esc(meta(run, s, "threads")))
                .append("</td><td>").append(esc(meta(run, s, "torch_version"))).append("</td><td class=\"n\">")
                .append(esc(params(meta(run, s, "params")))).append("</td><td class=\"n\">").append(Durations.human(run.wallSeconds()))
                .append("</td><td class=\"n\">").append(run.exitCode() == null ? "—" : run.exitCode()).append("</td><td>");
        List<String> links = new ArrayList<>();
        if (run.logFile() != null) links.add(link(run.logFile(), "log"));
        if (run.metricsFile() != null) links.add(link(run.metricsFile(), "metrics"));
        out.append(links.isEmpty() ? "—" : String.join(" · ", links)).append("</td></tr>\n");
    }

    private void metricBlock(CaseSeries k, String metric, AlignedMetric a) {
        MetricResult mr = k.metricResult(metric);
        Integer div = mr == null ? null : mr.firstDivergentStep();
        out.append("<div class=\"metric\" data-case=\"").append(esc(k.result().name())).append("\" data-metric=\"").append(esc(metric))
                .append("\">\n<h3>").append(esc(metric)).append(' ').append(badge(mr == null ? null : mr.verdict()))
                .append("<span class=\"msg\">").append(esc(metricText(mr))).append("</span></h3>\n");

        if (!a.baselineHasValues() || !a.testHasValues()) {
            out.append("<div class=\"error-box chart-error\" data-case=\"").append(esc(k.result().name())).append("\" data-metric=\"")
                    .append(esc(metric)).append("\" role=\"alert\"><strong>No ").append(esc(metric))
                    .append(" curves to compare.</strong><ul>");
            sideProblem(k.baseline(), a.baselineSteps().length, metric);
            sideProblem(k.test(), a.testSteps().length, metric);
            out.append("</ul></div>\n</div>\n");
            return;
        }
        String markerLabel = div == null ? null : "first divergence (step " + div + ")";
        NoiseBand band = k.result().modeOr(c.mode()).noise();
        List<ChartSpec.Series> lines = List.of(
                new ChartSpec.Series("baseline", BASE_COLOR, 5, 0.35, null, a.baselineSteps(), a.baselineValues()),
                new ChartSpec.Series("test (drawn on top)", TEST_COLOR, 1.3, 1, null, a.testSteps(), a.testValues()));
        List<ChartSpec.Band> shaded = band == null ? List.of() : noiseBand(band, metric, a.baselineSteps(), a.baselineValues(), "baseline");
        String curves = SvgChart.render(new ChartSpec(metric + ": baseline and test", 1100, 320, metric, false, false, lines,
                div, markerLabel, shaded));
        out.append("<figure class=\"chart curves\" data-case=\"").append(esc(k.result().name())).append("\" data-metric=\"")
                .append(esc(metric)).append("\">").append(curves).append("</figure>\n");
        nonFiniteNote("baseline", a.baselineSteps(), a.baselineValues());
        nonFiniteNote("test", a.testSteps(), a.testValues());
        if (a.baselineSteps().length != a.testSteps().length) {
            out.append("<div class=\"note fail\">The sides have different step counts: baseline ").append(a.baselineSteps().length)
                    .append(", test ").append(a.testSteps().length).append(".</div>\n");
        }

        if (a.diffSteps().length == 0) {
            out.append("<div class=\"error-box chart-error\" role=\"alert\">No step is in both series: no difference to plot.</div>\n");
        } else if (a.allDiffsZero()) {
            // A flat line at 0 and an empty log chart say less than one sentence.
            out.append("<div class=\"note ok abs-diff-zero\">test − baseline is exactly 0 at all ").append(a.diffSteps().length)
                    .append(" compared steps: the curves are identical, there is no difference to plot.</div>\n");
        } else {
            List<ChartSpec.Series> diffLines = List.of(
                    new ChartSpec.Series("test − baseline", DIFF_COLOR, 1.3, 1, null, a.diffSteps(), a.diffValues()));
            List<ChartSpec.Band> shadedDiff = band == null ? List.of()
                    : noiseBand(band, metric, a.diffSteps(), new double[a.diffSteps().length], "0");
            String diff = SvgChart.render(new ChartSpec(metric + ": test − baseline", 545, 230, "test − baseline", false, true,
                    diffLines, div, "first divergence", shadedDiff));
            double[] abs = new double[a.diffValues().length];
            for (int i = 0; i < abs.length; i++) abs[i] = Math.abs(a.diffValues()[i]);
            String absChart = SvgChart.render(new ChartSpec(metric + ": |test − baseline| (log scale)", 545, 230,
                    "|test − baseline|", true, false,
                    List.of(new ChartSpec.Series("|test − baseline| (log; 0 not drawn)", DIFF_COLOR, 1.3, 1, null, a.diffSteps(), abs)), div, "first divergence"));
            out.append("<div class=\"diffs\">\n<figure class=\"chart diff\" data-metric=\"").append(esc(metric)).append("\">").append(diff)
                    .append("</figure>\n<figure class=\"chart absdiff\" data-metric=\"").append(esc(metric)).append("\">").append(absChart)
                    .append("</figure>\n</div>\n");
        }
        out.append("</div>\n");
    }

    /** NaN or infinite values are gaps in a chart; say where they are so a gap is not overlooked. */
    private void nonFiniteNote(String side, double[] steps, double[] values) {
        List<String> at = new ArrayList<>();
        int count = 0;
        for (int i = 0; i < values.length; i++) {
            if (Double.isFinite(values[i])) continue;
            if (count++ < 5) at.add((int) steps[i] + " (" + Fmt.value(values[i]) + ")");
        }
        if (count == 0) return;
        out.append("<div class=\"note fail non-finite\">").append(side).append(" has ").append(count).append(" non-finite value")
                .append(count == 1 ? "" : "s").append(", not drawn: step ").append(esc(String.join(", ", at)))
                .append(count > 5 ? ", …" : "").append(".</div>\n");
    }

    private void sideProblem(SideSeries s, int values, String metric) {
        String why = s.error() != null ? s.error()
                : values == 0 ? "no step carries \"" + metric + "\"" : values + " steps";
        out.append("<li>").append(esc(s.side())).append(": ").append(esc(why)).append("</li>");
    }

    private void stepTable(CaseSeries k, List<String> metrics, TreeMap<Integer, StepRecord> b, TreeMap<Integer, StepRecord> t) {
        TreeSet<Integer> steps = new TreeSet<>(b.keySet());
        steps.addAll(t.keySet());
        if (steps.isEmpty()) return;
        Integer first = null;
        for (MetricResult mr : k.result().metrics()) {
            Integer d = mr.firstDivergentStep();
            if (d != null && (first == null || d < first)) first = d;
        }
        List<Integer> rows = StepRows.select(steps, first);
        int shown = (int) rows.stream().filter(java.util.Objects::nonNull).count();
        out.append("<details class=\"steps\"><summary>Step table: ").append(shown == steps.size() ? "all " + steps.size() + " steps"
                        : shown + " of " + steps.size() + " steps (start, around the first divergence, end; every step is in the linked metrics files)")
                .append("</summary>\n<div class=\"table-wrap\"><table class=\"steps\">\n<thead><tr><th class=\"n\">step</th>");
        for (String m : metrics) {
            out.append("<th class=\"n\">").append(esc(m)).append(" baseline</th><th class=\"n\">").append(esc(m))
                    .append(" test</th><th class=\"n\">test − baseline</th>");
        }
        out.append("<th>inputs</th></tr></thead>\n<tbody>\n");
        int cols = 2 + 3 * metrics.size();
        for (Integer step : rows) {
            if (step == null) {
                out.append("<tr><td class=\"gap\" colspan=\"").append(cols).append("\">⋯ steps omitted ⋯</td></tr>\n");
                continue;
            }
            StepRecord rb = b.get(step), rt = t.get(step);
            boolean diverged = false;
            StringBuilder cells = new StringBuilder();
            for (String m : metrics) {
                Double vb = rb == null ? null : rb.value(m), vt = rt == null ? null : rt.value(m);
                diverged |= AlignedMetric.differs(m, step, vb, vt, k.result().modeOr(c.mode()));
                cells.append(valueCell(vb, rb == null)).append(valueCell(vt, rt == null)).append("<td class=\"n v\">")
                        .append(vb != null && vt != null ? Fmt.sci(vt - vb) : "—").append("</td>");
            }
            String fb = rb == null ? null : rb.dataFingerprint(), ft = rt == null ? null : rt.dataFingerprint();
            String inputs = fb == null || ft == null ? "—" : fb.equals(ft) ? "same" : "differ";
            String cls = step.equals(first) ? "diverged first" : diverged ? "diverged" : "";
            out.append("<tr").append(cls.isEmpty() ? "" : " class=\"" + cls + "\"").append("><td class=\"n v\">").append(step).append("</td>")
                    .append(cells).append("<td>").append(inputs).append("</td></tr>\n");
        }
        out.append("</tbody></table></div></details>\n");
    }

    private static String valueCell(Double v, boolean stepMissing) {
        if (stepMissing) return "<td class=\"n missing\">missing</td>";
        return "<td class=\"n v\">" + esc(Fmt.value(v)) + "</td>";
    }

    // ---- helpers -------------------------------------------------------------------------

    private List<String> allMetrics() {
        Set<String> names = new java.util.LinkedHashSet<>(c.metrics());
        for (CaseSeries k : cases) for (MetricResult m : k.result().metrics()) names.add(m.metric());
        return new ArrayList<>(names);
    }

    static String metricText(MetricResult mr) {
        if (mr == null) return "not compared";
        boolean exactPass = mr.verdict() == Verdict.PASS && mr.maxAbsDiff() == 0 && mr.message() != null;
        if (exactPass) return mr.message();
        List<String> parts = new ArrayList<>();
        if (mr.firstDivergentStep() != null) {
            parts.add("first divergence at step " + mr.firstDivergentStep() + ": baseline " + Fmt.value(mr.baselineAtDivergence())
                    + ", test " + Fmt.value(mr.testAtDivergence()));
        }
        if (mr.verdict() != Verdict.ERROR || mr.comparedSteps() > 0) {
            parts.add("max abs " + Fmt.stat(mr.maxAbsDiff()) + " · max rel " + Fmt.stat(mr.maxRelDiff())
                    + " · mean abs " + Fmt.stat(mr.meanAbsDiff()) + " · " + mr.comparedSteps() + " steps compared");
        }
        if (mr.message() != null && !mr.message().isBlank()) parts.add(mr.message());
        return String.join(" · ", parts);
    }

    /** An ERROR with nothing compared has no statistics; a 0 there would read like "identical". */
    static String stat(MetricResult mr, double v) {
        return mr.verdict() == Verdict.ERROR && mr.comparedSteps() == 0 ? "—" : Fmt.stat(v);
    }

    private static String meta(RunInfo run, SideSeries s, String key) {
        Object v = run.meta().get(key);
        if (v == null) v = s.meta().get(key);
        return v == null ? "—" : v.toString();
    }

    private static String params(String p) {
        try {
            return String.format(Locale.ROOT, "%,d", Long.parseLong(p));
        } catch (NumberFormatException e) {
            return p;
        }
    }

    /** One unbreakable chip per option, so a line only breaks between options, never after "--". */
    private static String options(List<String> options) {
        if (options.isEmpty()) return "—";
        StringBuilder b = new StringBuilder();
        for (String o : options) b.append(b.length() == 0 ? "" : " ").append("<code class=\"opt\">").append(esc(o)).append("</code>");
        return b.toString();
    }

    private static String link(String relative, String label) {
        String href;
        try {
            href = new URI(null, null, relative, null).toASCIIString();
        } catch (URISyntaxException e) {
            href = relative;
        }
        return "<a href=\"" + esc(href) + "\">" + esc(label) + "</a> <code>" + esc(relative) + "</code>";
    }

    private static String modelText(CaseResult r) {
        String s = (r.model() == null ? "" : r.model()) + (r.flavor() == null ? "" : " " + r.flavor());
        return s.isBlank() ? "—" : s.strip();
    }

    static String side(Revision r) {
        if (r == null) return "—";
        return r.workingTree() ? r.spec() + " (working tree)" : r.spec();
    }

    private static String badge(Verdict v) {
        if (v == null) return "<span class=\"badge none\">—</span>";
        return "<span class=\"badge " + v.name().toLowerCase(Locale.ROOT) + "\">" + v + "</span>";
    }

    private static String cls(Verdict v) {
        return "v-" + v.name().toLowerCase(Locale.ROOT);
    }

    private static String orDash(String s) {
        return s == null || s.isBlank() ? "—" : s;
    }

    private static String plural(long n) {
        return n == 1 ? "" : "s";
    }

    /** Unique HTML ids from case names (which may hold any character). */
    private static List<String> anchors(List<CaseSeries> cases) {
        List<String> out = new ArrayList<>();
        Set<String> used = new HashSet<>();
        for (CaseSeries k : cases) {
            String base = "case-" + k.result().name().replaceAll("[^A-Za-z0-9_-]", "_");
            String id = base;
            for (int i = 2; !used.add(id); i++) id = base + "-" + i;
            out.add(id);
        }
        return out;
    }
}
