package dev.losscompare.reports.markdown;

import dev.losscompare.core.perf.PerfVerdict;
import dev.losscompare.core.result.CaseResult;
import dev.losscompare.core.result.ResumeResult;
import dev.losscompare.core.result.Comparison;
import dev.losscompare.core.result.MetricResult;
import dev.losscompare.core.result.Revision;
import dev.losscompare.core.result.Verdict;
import dev.losscompare.reports.series.CaseSeries;
import dev.losscompare.reports.text.Fmt;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/** summary.md: a short verdict table for a PR comment or a CI job summary. */
public final class MarkdownSummary {
    private MarkdownSummary() {}

    public static String render(Comparison c, List<CaseSeries> cases) {
        Verdict overall = c.overall();
        List<String> metrics = metrics(c, cases);
        StringBuilder s = new StringBuilder();
        s.append("### ").append(icon(overall)).append(" loss_compare ").append(c.overallText()).append(": ")
                .append(code(side(c.baseline()))).append(" vs ").append(code(side(c.test()))).append("\n\n");
        s.append(cases.size()).append(" case").append(cases.size() == 1 ? "" : "s").append(" · ")
                .append(c.modeUsed())
                .append(" · ").append(c.steps()).append(" steps · ")
                // Existing runs (diff) were not trained here: no seed or thread count to state.
                .append(c.trainedHere() ? "seed " + c.seed() + " · " + c.threads() + (c.threads() == 1 ? " thread" : " threads") + " · " : "")
                .append("exit code ").append(c.exitCode()).append("\n\n");
        if (c.environments() != null) s.append(inline(c.environments().headline())).append("\n\n");

        boolean noise = c.judgedAgainstNoise();
        boolean perf = c.hasPerformance();
        s.append("| Case | Verdict |").append(noise ? " × noise |" : "");
        for (String m : metrics) s.append(' ').append(cell(m)).append(" |");
        if (perf) s.append(" Performance |");
        s.append("\n|---|---|").append(noise ? "---|" : "");
        for (int i = 0; i < metrics.size(); i++) s.append("---|");
        if (perf) s.append("---|");
        s.append('\n');
        for (CaseSeries k : cases) {
            CaseResult r = k.result();
            s.append("| ").append(cell(r.name())).append(" | ").append(icon(r.verdict())).append(' ').append(r.verdict()).append(" |");
            if (noise) s.append(' ').append(cell(r.noiseMultipleText())).append(" |");
            for (String m : metrics) s.append(' ').append(metricCell(k.metricResult(m))).append(" |");
            if (perf) s.append(' ').append(perfCell(r.performance())).append(" |");
            s.append('\n');
        }

        List<String> notes = new ArrayList<>();
        for (CaseSeries k : cases) {
            CaseResult r = k.result();
            List<String> why = new ArrayList<>();
            if (r.error() != null) why.add(r.error());
            else why.addAll(k.seriesErrors());
            if (r.verdict() == Verdict.ERROR && why.isEmpty()) why.add("could not decide (no reason recorded)");
            for (String w : new LinkedHashSet<>(why)) notes.add("- ⚠️ **" + inline(r.name()) + "**: " + inline(w));
            if (r.modeReason() != null) {
                notes.add("- **" + inline(r.name()) + "**: compared " + inline(r.modeOr(c.mode()).describe()) + ": " + inline(r.modeReason()));
            }
            if (r.note() != null) notes.add("- **" + inline(r.name()) + "**: " + inline(r.note()));
            if (r.undetectableText() != null) {
                    notes.add("- " + (r.closeToMargin() ? "⚠️ " : "") + "**" + inline(r.name()) + "** within noise: " + inline(r.undetectableText()));
            }
            if (r.performance() != null) notes.add("- " + perfIcon(r.performance()) + " " + inline(r.performance().line()));
            if (r.diagnosis() != null) {
                notes.add("- **" + inline(r.name()) + "** where: " + inline(r.diagnosis().where() != null ? r.diagnosis().where()
                        : "no location (" + r.diagnosis().reason() + ")"));
            }
            if (r.resume() != null) {
                for (ResumeResult check : r.resume()) {
                    notes.add("- " + (check.verdict() == Verdict.PASS ? "" : "⚠️ ") + "**" + inline(r.name()) + "** " + inline(check.line()));
                }
            }
            if (r.inputsDivergeAtStep() != null) {
                notes.add("- **" + inline(r.name()) + "**: inputs (data_fingerprint) differ from step " + r.inputsDivergeAtStep()
                        + ": a data-pipeline change, not only the model");
            }
        }
        if (!notes.isEmpty()) s.append('\n').append(String.join("\n", notes)).append('\n');
        if (c.initialization() != null) s.append("\nInitial weights: ").append(inline(c.initialization())).append(".\n");
        for (var input : c.workingTreeInputs()) s.append("\nFrom the working tree (linked, read-only): ").append(code(input.describe())).append('\n');

        s.append('\n').append("Baseline ").append(revisionLine(c.baseline())).append("; test ").append(revisionLine(c.test()))
                .append(".\nCurves: `report.html` · JUnit: `junit.xml` · data: `comparison.json`\n");
        if (cases.isEmpty()) s.append("\nNo cases were compared.\n");
        return s.toString();
    }

    private static String perfCell(PerfVerdict p) {
        return p == null ? "—" : cell(perfIcon(p) + " " + p.cell());
    }

    /** Figures that were not compared (another environment) get no check mark: nothing was checked. */
    private static String perfIcon(PerfVerdict p) {
        return p.status() == dev.losscompare.core.perf.PerfStatus.NOT_COMPARABLE ? "➖" : icon(p.verdict());
    }

    private static String metricCell(MetricResult mr) {
        if (mr == null) return "—";
        String s = icon(mr.verdict()) + " " + mr.verdict();
        if (mr.firstDivergentStep() != null) s += " from step " + mr.firstDivergentStep();
        if (mr.verdict() == Verdict.FAIL) s += " (max rel " + Fmt.stat(mr.maxRelDiff()) + ")";
        else if (mr.verdict() == Verdict.PASS) s += " (" + mr.comparedSteps() + " steps)";
        return cell(s);
    }

    private static List<String> metrics(Comparison c, List<CaseSeries> cases) {
        Set<String> names = new LinkedHashSet<>(c.metrics());
        for (CaseSeries k : cases) for (MetricResult m : k.result().metrics()) names.add(m.metric());
        return new ArrayList<>(names);
    }

    private static String revisionLine(Revision r) {
        if (r == null) return "—";
        if (r.workingTree()) return code(r.spec()) + " (working tree)";
        String s = code(r.spec());
        if (r.commitId() != null) s += " = " + code(Fmt.shortId(r.commitId()));
        if (r.subject() != null && !r.subject().isBlank()) s += " “" + inline(shorten(r.subject(), 72)) + "”";
        return s;
    }

    /** A PR comment is read at a glance: long commit subjects are cut (report.html has them whole). */
    private static String shorten(String s, int max) {
        String line = s.strip().lines().findFirst().orElse("");
        return line.length() <= max ? line : line.substring(0, max - 1).stripTrailing() + "…";
    }

    private static String side(Revision r) {
        return r == null ? "?" : r.spec();
    }

    private static String icon(Verdict v) {
        return switch (v) {
            case PASS -> "✅";
            case FAIL -> "❌";
            case ERROR -> "⚠️";
        };
    }

    private static String code(String s) {
        String t = s == null ? "" : s.replace("`", "'").replace("\n", " ");
        return "`" + t + "`";
    }

    /** Text inside a table cell: no pipes or line breaks. */
    private static String cell(String s) {
        return inline(s).replace("|", "\\|");
    }

    private static String inline(String s) {
        return s == null ? "" : s.replace("\r", " ").replace("\n", " ").replace("<", "&lt;");
    }
}
