package dev.losscompare.harness.engine;

import dev.losscompare.core.judge.SideResult;
import dev.losscompare.core.result.RunInfo;
import dev.losscompare.core.series.DefaultMetrics;
import dev.losscompare.core.series.RunSeries;
import dev.losscompare.core.series.StepRecord;
import dev.losscompare.core.series.UnreadableSeriesException;
import dev.losscompare.core.sources.SeriesFiles;
import dev.losscompare.core.sources.SourcedSeries;
import dev.losscompare.core.text.Durations;
import dev.losscompare.harness.adapter.Launch;
import dev.losscompare.harness.adapter.RunFiles;
import dev.losscompare.harness.cache.ResultCache;
import dev.losscompare.harness.run.Progress;
import dev.losscompare.harness.run.RunOutcome;
import dev.losscompare.harness.run.TrainerArgs;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Map;

/**
 * Trains one side of a case and turns what happened into a {@link SideResult}: the series it
 * wrote and, when it did not finish cleanly, one line saying why and where the log is. A run whose
 * key is in the result cache is restored instead of trained, and a clean run is stored.
 */
final class SideRunner {
    private final Session session;
    private final Training training;
    private final Path caseDir;
    private final Progress progress;
    private final RunKeys keys;

    SideRunner(Session session, Training training, Path caseDir, Progress progress) {
        this.session = session;
        this.training = training;
        this.caseDir = caseDir;
        this.progress = progress;
        this.keys = new RunKeys(session);
    }

    /**
     * Trains the case on {@code side} from {@code seed} (file null: the revision's own
     * initialization); {@code seedFromOtherSide}: another revision wrote it (then a load failure is
     * explained as such).
     */
    SideResult run(TrainedSide side, CaseSpec c, Seeds.Seed seed, boolean seedFromOtherSide) throws IOException {
        // The diagnosis compares this side's own initialization with the seed it loads: the run writes it
        // on the way (kept as the seed checkpoint this side writes) instead of a seed-checkpoint run.
        ResultCache results = session.results();
        String ownInitKey = seedFromOtherSide && results != null && side.adapter().seedIsSafetensorsFile()
                ? new SeedWriter(session, training).key(side, c) : null;
        return run(side, side.role().word(), side.args(c, training), seed, seedFromOtherSide, ownInitKey);
    }

    /** One run of {@code side} under {@code args}, its files named {@code role} (a calibration's variants have their own names). */
    SideResult run(TrainedSide side, String role, TrainerArgs args, Seeds.Seed seed, boolean seedFromOtherSide) throws IOException {
        return run(side, role, args, seed, seedFromOtherSide, null);
    }

    /** {@code ownInitKey}: the result-cache key of this side's seed checkpoint, when its run should write it; else null. */
    private SideResult run(TrainedSide side, String role, TrainerArgs args, Seeds.Seed seed, boolean seedFromOtherSide,
                           String ownInitKey) throws IOException {
        try {
            return train(side, role, args, seed, seedFromOtherSide, ownInitKey);
        } finally {
            // the run that was to write the seed is over, whether or not it did: the other side goes on
            if (seed.inRun() != null && seed.inRun().writtenBy(side)) seed.inRun().ended();
        }
    }

    private SideResult train(TrainedSide side, String role, TrainerArgs args, Seeds.Seed seed, boolean seedFromOtherSide,
                             String ownInitKey) throws IOException {
        String cacheKey = keys.run(side, args, seed.file() == null ? null : seed.key());
        String label = role + " " + side.tree().revision().spec();
        ResultCache results = session.results();
        RunFiles files = RunFiles.of(caseDir, role);
        Path partial = files.partial();
        Path series = files.series();
        Path log = caseDir.resolve(role + "_training.log");
        if (results != null && cacheKey != null && results.restoreRun(cacheKey, args.steps(), series, log, keys.environment(args))) {
            RunSeries cached = SeriesFiles.read(series);
            progress.track(label, series, args.steps()).finish("from cache (not trained)");
            return new SideResult(new RunInfo(role, args.recordedOptions(), rel(series), rel(log), 0.0, 0, null, true,
                    cached.meta()), cached);
        }
        Files.deleteIfExists(partial);
        SeedInRun inRun = seed.inRun();
        boolean writesSeed = inRun != null && inRun.writtenBy(side);
        if (inRun != null && !writesSeed) {
            seed = inRun.await(seed);   // the other side's run writes it first
            if (seed.error() != null) return new SideResult(new RunInfo(role, args.recordedOptions(), rel(series), rel(log), 0.0, 0,
                    seed.error(), false, Map.of()), null);
        }
        Path ownInit = ownInitKey == null || results.hasSeed(ownInitKey) ? null : files.scratch().resolve("own_init.safetensors");
        Launch launch = writesSeed ? side.adapter().trainWritingOwnInit(args, files, seed.file(), seed.file())
                : ownInit == null ? null : side.adapter().trainWritingOwnInit(args, files, seed.file(), ownInit);
        if (launch == null) {
            ownInit = null;
            launch = side.adapter().train(args, files, seed.file());
        }
        Files.createDirectories(files.scratch());
        Progress.Tracker tracker = progress.track(label, side.adapter().progress(files, log), args.steps());
        RunOutcome out = session.launcher().run(launch, log, training.timeout());
        if (out.interrupted()) {
            tracker.finish("interrupted");
            throw new Interrupted();
        }
        tracker.finish(out.ok() ? "finished" : out.timedOut() ? "timed out" : "failed (exit " + out.exitCode() + ")");
        if (args.ngpus() > 1) RankLogs.split(log, args.ngpus());
        if (ownInit != null) {
            if (out.ok() && Files.isRegularFile(ownInit)) results.storeSeed(ownInitKey, ownInit);
            Files.deleteIfExists(ownInit);
        }
        if (writesSeed && out.ok() && results != null && Files.isRegularFile(seed.file())) results.storeSeed(seed.key(), seed.file());
        try (var left = Files.list(files.scratch())) {
            if (left.findAny().isEmpty()) Files.delete(files.scratch());  // only kept when the trainer wrote into it
        }

        // Published under its final name only once the process is gone, so it is never half-written.
        if (Files.exists(partial)) Files.move(partial, series, StandardCopyOption.REPLACE_EXISTING);
        SourcedSeries sourced = null;
        String unreadable = null;
        try {
            sourced = side.adapter().read(files, log);
            // A series read from a log or TensorBoard is kept as JSON Lines too, for the report.
            if (!Files.exists(series)) SeriesFiles.write(sourced.series(), series);
        } catch (UnreadableSeriesException e) {
            unreadable = side.adapter().writesJsonl() && !Files.exists(series) ? role + " run wrote no metrics file"
                    : role + " series is unreadable: " + e.getMessage();
        }
        RunSeries read = sourced == null ? null : sourced.series();
        Integer decimals = sourced == null ? null : sourced.decimals();
        if (decimals != null) cacheKey = null;   // the cache keeps exact series only
        String error = error(role, out, read, args, unreadable, seed.file() != null && seedFromOtherSide, log);
        String inputsChanged = side.tree().linked().changed();   // from_working_tree inputs must come out of every run unchanged
        if (error == null && inputsChanged != null) error = role + " run: " + inputsChanged + "; log: " + session.show(log);
        if (unreadable != null) read = null;
        if (error == null && read != null && results != null && cacheKey != null) results.storeRun(cacheKey, series, log);
        RunInfo info = new RunInfo(role, args.recordedOptions(), rel(series), rel(log), out.wallSeconds(),
                out.exitCode(), error, false, read == null ? Map.of() : read.meta());
        return new SideResult(info, read, decimals);
    }

    /** Why the run is not usable as it is, in one line ending with where its log is; null for a clean run. */
    private String error(String role, RunOutcome out, RunSeries read, TrainerArgs args, String unreadable, boolean loadedOtherSeed,
                         Path log) {
        String where = "; log: " + session.show(log);
        if (out.timedOut()) {
            return role + " run timed out after " + Durations.human(training.timeout()) + " at step " + lastStep(read) + " of "
                    + args.steps() + out.jobNote() + where;
        }
        if (out.exitCode() != 0) {
            Integer nan = firstNonFinite(read);
            if (loadedOtherSeed && lastStep(read) == 0 && out.blamesCheckpoint()) {
                return "the " + role + " revision could not load the baseline's seed checkpoint: " + out.lastLine()
                        + "; if its parameters changed on purpose, rerun with --no-seed-checkpoint" + where;
            }
            if (nan != null) {
                return role + " run stopped at step " + nan + ": loss or grad_norm is not finite (exit "
                        + out.exitCode() + "): " + out.lastLine() + where;
            }
            // a cluster job that ended without its exit code (cancelled, preempted, node lost) did not crash by itself
            if (out.job() != null) return role + " run did not finish (exit " + out.exitCode() + "): " + out.lastLine() + where;
            return role + " run crashed (exit " + out.exitCode() + "): " + out.lastLine() + where;
        }
        return unreadable == null ? null : unreadable + where;
    }

    private String rel(Path p) {
        return session.out().relativize(p).toString();
    }

    private static int lastStep(RunSeries s) {
        return s == null || s.steps().isEmpty() ? 0 : s.steps().get(s.steps().size() - 1).step();
    }

    private static Integer firstNonFinite(RunSeries s) {
        if (s == null) return null;
        for (StepRecord r : s.steps()) {
            for (String k : DefaultMetrics.ALL) {
                Double v = r.value(k);
                if (v != null && !Double.isFinite(v)) return r.step();
            }
        }
        return null;
    }
}
