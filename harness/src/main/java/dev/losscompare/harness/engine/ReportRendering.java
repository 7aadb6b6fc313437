package dev.losscompare.harness.engine;

import dev.losscompare.core.io.AtomicFiles;
import dev.losscompare.core.judge.Judgement;
import dev.losscompare.core.judge.MetricDiff;
import dev.losscompare.core.result.CaseResult;
import dev.losscompare.core.result.Comparison;
import dev.losscompare.core.result.Verdict;
import dev.losscompare.harness.Console;
import dev.losscompare.reports.ReportWriter;
import dev.losscompare.reports.text.SignoffTable;
import dev.losscompare.reports.text.StepTable;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;

/**
 * What {@link ReportSink} shows and writes once its cases are judged: each case's step tables,
 * then the verdict lines, notes, sign-off table and the reports (report.html, junit.xml,
 * summary.md, comparison.json). It renders what was decided, never decides.
 */
final class ReportRendering {
    private ReportRendering() {}

    /** The step tables go to the console for a lone case and for suite cases that did not pass; all go to step_table.txt. */
    static void stepTables(CaseEngine.Plan plan, Judgement j, Path caseDir) throws IOException {
        Console console = plan.session().console();
        boolean print = plan.cases().size() == 1 || j.result().verdict() != Verdict.PASS;
        List<String> table = new ArrayList<>();
        for (MetricDiff d : j.diffs()) {
            if (print) {
                console.out().println();
                StepTable.forConsole(d).forEach(console.out()::println);
            }
            table.addAll(StepTable.full(d));
            table.add("");
        }
        if (!table.isEmpty()) AtomicFiles.writeString(caseDir.resolve("step_table.txt"), String.join("\n", table) + "\n");
        if (print) console.out().println();
    }

    /**
     * The comparison's lines on the console (ERROR lines on stderr) and its reports in {@code out}.
     * {@code label}: how a case is named in its lines; {@code trainedAny}: a trained side ran, so
     * the "initial weights" line applies.
     */
    static void show(Console console, Path out, Comparison c, List<Judgement> judgements, Function<CaseResult, String> label,
                     boolean trainedAny) throws IOException {
        if (c.environments() != null) console.out().println(c.environments().headline());   // heads the verdicts
        for (Judgement j : judgements) {
            (j.result().verdict() == Verdict.ERROR ? console.err() : console.out()).println(j.verdictLine());
            String name = label.apply(j.result());
            if (j.result().diagnosis() != null && j.result().diagnosis().explanation(name) != null) {
                console.out().println(j.result().diagnosis().explanation(name));
            }
            if (j.result().note() != null) console.out().println("note for " + name + ": " + j.result().note());
            var perf = j.result().performance();
            if (perf != null) (perf.verdict() == Verdict.ERROR ? console.err() : console.out()).println(perf.line());
        }
        if (c.initialization() != null && trainedAny) console.out().println("initial weights: " + c.initialization());
        if (c.cases().size() > 1) SignoffTable.lines(c).forEach(console.out()::println);
        Path report = ReportWriter.writeAll(out, c);
        console.out().println("report: " + console.show(report));
    }
}
