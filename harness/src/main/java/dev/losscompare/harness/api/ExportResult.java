package dev.losscompare.harness.api;

import dev.losscompare.core.result.ExitCode;
import dev.losscompare.core.series.RunSeries;
import java.nio.file.Path;

/** What export wrote: the loss file and the series in it (null: the run gave none; the console says why). */
public record ExportResult(Path file, RunSeries series) {
    /** 0 written, 2 could not train. */
    public int exitCode() {
        return series != null ? ExitCode.MATCH : ExitCode.UNDECIDED;
    }
}
