package dev.losscompare.harness.pipeline;

import dev.losscompare.core.series.StepRecord;
import dev.losscompare.core.judge.SideResult;
import dev.losscompare.core.judge.StepCount;
import dev.losscompare.harness.Console;
import dev.losscompare.harness.Main;
import dev.losscompare.core.sources.LossFile;
import java.io.IOException;
import java.nio.file.Path;

/** Writes a finished run's losses as torchtitan's "step loss" lines (export, --export-result). */
public final class ExportSink implements RecordPipeline.RunSink {
    private final Path file;
    private final String revisionLabel;
    private final int steps;
    private final Console console;
    private boolean failed;

    public ExportSink(Path file, String revisionLabel, int steps, Console console) {
        this.file = file;
        this.revisionLabel = revisionLabel;
        this.steps = steps;
        this.console = console;
    }

    @Override
    public void accept(CaseSpec c, SideResult run, String error) throws IOException {
        String why = error != null ? error : run.series() == null ? "no series" : StepCount.problem(run.series(), steps, "exported");
        if (why != null) {
            console.err().println("ERROR " + c.id().label() + ": " + why);
            failed = true;
            return;
        }
        LossFile.export(run.series(), file);
        for (StepRecord r : run.series().steps()) console.out().println(r.step() + " " + r.value("loss"));
        console.out().println("exported " + run.series().steps().size() + " losses of " + revisionLabel);
        console.out().println("export: " + console.show(file));
    }

    @Override
    public int finish() {
        return failed ? Main.USAGE : 0;
    }
}
