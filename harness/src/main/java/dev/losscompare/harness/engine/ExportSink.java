package dev.losscompare.harness.engine;

import dev.losscompare.core.series.DefaultMetrics;
import dev.losscompare.core.series.RunSeries;
import dev.losscompare.core.series.StepRecord;
import dev.losscompare.core.sources.LossFile;
import dev.losscompare.harness.Console;
import java.io.IOException;
import java.nio.file.Path;

/**
 * Writes a finished run's losses as torchtitan's "step loss" lines (export, --export-result). Its
 * result is the series written, or null when the run gave none (the error is on the console).
 */
public final class ExportSink implements CaseEngine.CaseSink<RunSeries> {
    private final Path file;
    private final String revisionLabel;
    private RunSeries exported;
    private boolean failed;

    public ExportSink(Path file, String revisionLabel) {
        this.file = file;
        this.revisionLabel = revisionLabel;
    }

    @Override
    public void begin(CaseEngine.Plan plan, CaseSpec c, String buildError) {
        if (buildError == null) plan.session().console().out().println("== " + c.id().label());
    }

    @Override
    public void accept(CaseEngine.CaseRun run) throws IOException {
        Console console = run.plan().session().console();
        String why = run.unusable("exported");
        if (why != null) {
            console.err().println("ERROR " + run.c().id().label() + ": " + why);
            failed = true;
            return;
        }
        RunSeries series = run.only().series();
        LossFile.export(series, file);
        for (StepRecord r : series.steps()) console.out().println(r.step() + " " + r.value(DefaultMetrics.LOSS));
        console.out().println("exported " + series.steps().size() + " losses of " + revisionLabel);
        console.out().println("export: " + console.show(file));
        exported = series;
    }

    @Override
    public RunSeries finish(CaseEngine.Plan plan) {
        return failed ? null : exported;
    }
}
