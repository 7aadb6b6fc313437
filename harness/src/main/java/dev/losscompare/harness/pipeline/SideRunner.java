package dev.losscompare.harness.pipeline;

import dev.losscompare.harness.cache.ResultCache;
import dev.losscompare.harness.cache.Materialized;
import dev.losscompare.core.judge.SideResult;
import dev.losscompare.core.sources.SeriesFiles;
import dev.losscompare.harness.launch.Launchers;
import dev.losscompare.harness.run.Durations;
import dev.losscompare.harness.run.Progress;
import dev.losscompare.harness.run.RunOutcome;
import dev.losscompare.harness.adapter.Launch;
import dev.losscompare.harness.adapter.RunFiles;
import dev.losscompare.harness.adapter.TrainerAdapter;
import dev.losscompare.harness.run.TrainerArgs;
import dev.losscompare.core.sources.SourcedSeries;
import dev.losscompare.core.result.RunInfo;
import dev.losscompare.core.series.RunSeries;
import dev.losscompare.core.series.StepRecord;
import dev.losscompare.core.series.UnreadableSeriesException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.Map;

/**
 * Runs one side's training and turns what happened into a {@link SideResult}: the series it
 * wrote and, when it did not finish cleanly, one line saying why and where the log is.
 */
public final class SideRunner {
    /** Thrown when Ctrl-C stopped the run: nothing may be recorded as a result. */
    public static final class Interrupted extends RuntimeException {
        public Interrupted() {
            super("interrupted");
        }
    }

    private final Path outDir;
    private final Path caseDir;
    private final Progress progress;
    private final Duration timeout;
    private final Paths paths;

    /** How paths appear in messages: relative to the user's cwd when under it. */
    interface Paths {
        String show(Path p);
    }

    private final ResultCache results;


    /** With {@code results}, a run whose key is cached is restored instead of trained, and a clean run is stored. */
    SideRunner(Path outDir, Path caseDir, Progress progress, Duration timeout, Paths paths, ResultCache results) {
        this.results = results;
        this.outDir = outDir;
        this.caseDir = caseDir;
        this.progress = progress;
        this.timeout = timeout;
        this.paths = paths;
    }

    /**
     * Trains one side with {@code adapter}. {@code cacheKey}: the run's result-cache key, or null to
     * always train; a run whose values were read from printed text is never cached (the cache keeps
     * exact series only).
     */
    SideResult run(String side, Materialized m, TrainerAdapter adapter, TrainerArgs args, Path seedFile, boolean seedFromOtherSide,
                   String cacheKey) throws IOException {
        RunFiles files = RunFiles.of(caseDir, side);
        Path partial = files.partial();
        Path series = files.series();
        Path log = caseDir.resolve(side + "_training.log");
        if (results != null && cacheKey != null && results.restoreRun(cacheKey, args.steps(), series, log)) {
            RunSeries cached = SeriesFiles.read(series);
            progress.track(side + " " + m.revision().spec(), series, args.steps()).finish("from cache (not trained)");
            return new SideResult(new RunInfo(side, args.recordedOptions(), rel(series), rel(log), 0.0, 0, null, true,
                    cached.meta()), cached);
        }
        Files.deleteIfExists(partial);
        Launch launch = adapter.train(args, files, seedFile);
        Files.createDirectories(files.scratch());
        Progress.Tracker tracker = progress.track(side + " " + m.revision().spec(), partial, args.steps());
        RunOutcome out = Launchers.run(launch, log, timeout);
        if (out.interrupted()) {
            tracker.finish("interrupted");
            throw new Interrupted();
        }
        tracker.finish(out.ok() ? "finished" : out.timedOut() ? "timed out" : "failed (exit " + out.exitCode() + ")");
        if (args.ngpus() > 1) RankLogs.split(log, args.ngpus());
        try (var left = Files.list(files.scratch())) {
            if (left.findAny().isEmpty()) Files.delete(files.scratch());  // only kept when the trainer wrote into it
        }

        // Published under its final name only once the process is gone, so it is never half-written.
        if (Files.exists(partial)) Files.move(partial, series, StandardCopyOption.REPLACE_EXISTING);
        SourcedSeries sourced = null;
        String unreadable = null;
        try {
            sourced = adapter.read(files, log);
            // A series read from a log or TensorBoard is kept as JSON Lines too, for the report.
            if (!Files.exists(series)) SeriesFiles.write(sourced.series(), series);
        } catch (UnreadableSeriesException e) {
            unreadable = adapter.writesJsonl() && !Files.exists(series) ? side + " run wrote no metrics file"
                    : side + " series is unreadable: " + e.getMessage();
        }
        RunSeries read = sourced == null ? null : sourced.series();
        Integer decimals = sourced == null ? null : sourced.decimals();
        if (decimals != null) cacheKey = null;
        String where = "; log: " + paths.show(log);
        String error = null;
        if (out.timedOut()) {
            error = side + " run timed out after " + Durations.human(timeout) + " at step " + lastStep(read) + " of " + args.steps()
                    + out.jobNote() + where;
        } else if (out.exitCode() != 0) {
            Integer nan = firstNonFinite(read);
            if (seedFromOtherSide && seedFile != null && lastStep(read) == 0 && out.lastLine().contains("checkpoint")) {
                error = "the " + side + " revision could not load the baseline's seed checkpoint: " + out.lastLine()
                        + "; if its parameters changed on purpose, rerun with --no-seed-checkpoint" + where;
            } else if (nan != null) {
                error = side + " run stopped at step " + nan + ": loss or grad_norm is not finite (exit "
                        + out.exitCode() + "): " + out.lastLine() + where;
            } else if (out.job() != null) {
                error = side + " run did not finish (exit " + out.exitCode() + "): " + out.lastLine() + where;
            } else {
                error = side + " run crashed (exit " + out.exitCode() + "): " + out.lastLine() + where;
            }
        } else if (unreadable != null) {
            error = unreadable + where;
        }
        if (unreadable != null) read = null;
        if (error == null && read != null && results != null && cacheKey != null) results.storeRun(cacheKey, series, log);
        RunInfo info = new RunInfo(side, args.recordedOptions(), rel(series), rel(log), out.wallSeconds(),
                out.exitCode(), error, false, read == null ? Map.of() : read.meta());
        return new SideResult(info, read, decimals);
    }

    String rel(Path p) {
        return outDir.relativize(p).toString();
    }

    private static int lastStep(RunSeries s) {
        return s == null || s.steps().isEmpty() ? 0 : s.steps().get(s.steps().size() - 1).step();
    }

    private static Integer firstNonFinite(RunSeries s) {
        if (s == null) return null;
        for (StepRecord r : s.steps()) {
            for (String k : new String[] {"loss", "grad_norm"}) {
                Double v = r.value(k);
                if (v != null && !Double.isFinite(v)) return r.step();
            }
        }
        return null;
    }

}
