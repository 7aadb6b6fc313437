package dev.losscompare.harness.resume;

import dev.losscompare.core.series.RunSeries;
import dev.losscompare.core.series.UnreadableSeriesException;
import dev.losscompare.harness.adapter.Checkpoints;
import dev.losscompare.harness.adapter.Launch;
import dev.losscompare.harness.adapter.RunFiles;
import dev.losscompare.harness.engine.CaseSpec;
import dev.losscompare.harness.engine.Interrupted;
import dev.losscompare.harness.run.ChildProcess;
import dev.losscompare.harness.run.RunOutcome;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;

/**
 * One run of a resume check: a side's case with the same config, options, seed and seed
 * checkpoint as its plain run, plus checkpoint flags. Not result-cached itself: what it leaves
 * behind (the checkpoints) is what the next run needs, and the cache keeps series only; the
 * series of a check that passed are ({@link CachedResumeRuns}).
 */
final class CheckpointRun {
    /** The series (null when there is none) and, when the run did not finish cleanly, why; {@code exitCode} as the trainer exited. */
    record Outcome(RunSeries series, int exitCode, String lastLine, String error) {}

    private CheckpointRun() {}

    /** Where the run named {@code name} writes its log. */
    static Path log(Path dir, String name) {
        return dir.resolve(name + "_training.log");
    }

    static Outcome run(CheckedSide side, CaseSpec c, Path seedFile, Checkpoints checkpoints, Path dir, String name)
            throws IOException {
        Files.createDirectories(dir);
        RunFiles files = RunFiles.of(dir, name);
        Launch launch = side.adapter().trainWithCheckpoints(side.args(c), files, seedFile, checkpoints);
        if (launch == null) {
            return new Outcome(null, -1, "", "the " + side.adapter().name() + " trainer has no checkpoint flags (a command"
                    + " trainer needs save_checkpoint and resume_checkpoint in its [trainer] table)");
        }
        Files.createDirectories(files.scratch());
        Path log = log(dir, name);
        RunOutcome o = ChildProcess.run(launch.command(), launch.workDir(), log, side.training().timeout(), launch.environment());
        if (o.interrupted()) throw new Interrupted();
        if (Files.exists(files.partial())) Files.move(files.partial(), files.series(), StandardCopyOption.REPLACE_EXISTING);
        String where = "; log: " + side.session().show(log);
        RunSeries series = null;
        String unreadable = null;
        try {
            series = side.adapter().read(files, log).series();
        } catch (UnreadableSeriesException e) {
            unreadable = "its series is unreadable: " + e.getMessage();
        }
        if (o.timedOut()) return new Outcome(series, o.exitCode(), o.lastLine(), "the " + name + " run timed out" + where);
        if (!o.ok()) return new Outcome(series, o.exitCode(), o.lastLine(), "the " + name + " run exited " + o.exitCode() + ": "
                + o.lastLine() + where);
        return new Outcome(series, 0, o.lastLine(), unreadable == null ? null : "the " + name + " run: " + unreadable + where);
    }
}
