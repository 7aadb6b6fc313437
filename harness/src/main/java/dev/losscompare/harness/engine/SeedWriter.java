package dev.losscompare.harness.engine;

import dev.losscompare.harness.adapter.Launch;
import dev.losscompare.harness.adapter.RunFiles;
import dev.losscompare.harness.cache.ResultCache;
import dev.losscompare.harness.run.RunOutcome;
import dev.losscompare.harness.run.TrainerArgs;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Writes a case's seed checkpoint with a trained side (restored from the result cache when it is
 * a file that can be). A seed checkpoint is written by one process, whatever the ranks of the runs.
 */
final class SeedWriter {
    private final Session session;
    private final Training training;
    private final RunKeys keys;

    SeedWriter(Session session, Training training) {
        this.session = session;
        this.training = training;
        this.keys = new RunKeys(session);
    }

    /** The result-cache key of the seed checkpoint {@code side} writes for this case. */
    String key(TrainedSide side, CaseSpec c) {
        return keys.seed(side, args(side, c));
    }

    /** Writes it, announcing the seed as the comparison's; returns the error line, or null. */
    String write(TrainedSide side, CaseSpec c, Path caseDir, Path seed) throws IOException {
        return write(side, c, caseDir, seed, "creating the seed checkpoint with " + side.label(), "seed checkpoint of " + side.label());
    }

    /**
     * Writes it announcing itself with {@code announce} (a seed written for another purpose:
     * {@code announce + " ..."} before it runs, {@code announce + ": from cache"} when it is kept, as
     * when the side's own run wrote it on the way); returns the error line, or null. A trainer that
     * cannot write one is an error that says to run with --no-seed-checkpoint.
     */
    String write(TrainedSide side, CaseSpec c, Path caseDir, Path seed, String announce) throws IOException {
        return write(side, c, caseDir, seed, announce, announce);
    }

    private String write(TrainedSide side, CaseSpec c, Path caseDir, Path seed, String announce, String kept) throws IOException {
        ResultCache results = session.results();
        String role = side.role().word();
        Launch launch = side.adapter().createSeed(args(side, c), RunFiles.of(caseDir, "seed"), seed);
        if (launch == null) {
            return "the " + side.adapter().name() + " trainer of " + side.label()
                    + " has no seed checkpoint command; rerun with --no-seed-checkpoint, or set seed = \"none\" in its trainer file"
                    + " (each run then initializes itself from the seed)";
        }
        boolean cacheable = results != null && side.adapter().seedIsSafetensorsFile();
        if (cacheable && results.restoreSeed(key(side, c), seed)) {
            session.console().out().println(kept + ": from cache");
            return null;
        }
        session.console().out().println(announce + " ...");
        Path log = caseDir.resolve("seed_checkpoint.log");
        RunOutcome o = session.launcher().run(launch, log, training.timeout());
        if (o.interrupted()) throw new Interrupted();
        if (o.ok() && Files.exists(seed)) {
            if (cacheable) results.storeSeed(key(side, c), seed);
            return null;
        }
        if (o.notStarted()) {
            return "the seed checkpoint of " + side.label() + " could not be started: " + o.lastLine() + "; that is the launcher's"
                    + " problem, not the checkpoint's: check the cluster (sinfo; the --launcher options or the suite's [launcher]"
                    + " table), or run here with --launcher=local";
        }
        String why = o.timedOut() ? "timed out" + o.jobNote() : o.ok() ? "no checkpoint was written" : "exit " + o.exitCode();
        return "the " + role + " revision could not write a seed checkpoint (" + why + "): " + o.lastLine()
                + "; rerun with --no-seed-checkpoint to let each run initialize itself; log: " + session.show(log);
    }

    /**
     * Whether {@code side}'s own training run of the case can write its seed checkpoint ({@code key}:
     * {@link #key}) to {@code file} on the way: a one-process run of a trainer that writes its
     * initialization, the seed kept as a file, and neither the seed nor that run in the result cache
     * (a kept seed is restored, as {@link #write} does; a kept run would not train, so would write nothing).
     */
    boolean canWriteInRun(TrainedSide side, CaseSpec c, Path file, String key) {
        TrainerArgs run = side.args(c, training);
        ResultCache results = session.results();
        if (run.ngpus() != 1 || !side.adapter().seedIsSafetensorsFile()) return false;
        if (results != null && (results.hasSeed(key) || results.hasRun(keys.run(side, run, key)))) return false;
        return side.adapter().trainWritingOwnInit(run, RunFiles.of(file.getParent(), side.role().word()), file, file) != null;
    }

    /** Says that {@code side}'s training run writes the seed checkpoint. */
    void announceInRun(TrainedSide side) {
        session.console().out().println("creating the seed checkpoint with " + side.label() + " in its training run");
    }

    private TrainerArgs args(TrainedSide side, CaseSpec c) {
        return side.args(c, training).withNgpus(1);
    }
}
