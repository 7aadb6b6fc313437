package dev.losscompare.harness.pipeline;

import dev.losscompare.core.judge.SideResult;
import dev.losscompare.harness.adapter.Launch;
import dev.losscompare.harness.adapter.OwnTrainer;
import dev.losscompare.harness.adapter.RunFiles;
import dev.losscompare.harness.adapter.TrainerAdapter;
import dev.losscompare.harness.cache.BuildResult;
import dev.losscompare.harness.cache.Materialized;
import dev.losscompare.harness.cache.ResultCache;
import dev.losscompare.harness.run.ActiveProcesses;
import dev.losscompare.harness.launch.Launchers;
import dev.losscompare.harness.run.Progress;
import dev.losscompare.harness.run.RunOutcome;
import dev.losscompare.harness.io.Sha256;
import dev.losscompare.harness.run.TrainerArgs;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * One revision to train in a role ("baseline" or "test"): its materialized tree, the options of
 * that side, and how to build it, seed from it, and run a case on it.
 */
public final class TrainedRevision implements Side {
    private final String role;
    private final Materialized tree;
    private final List<String> sideOptions;
    private final Training training;
    private final Session session;
    private final TrainerAdapter adapter;
    private final Integer ngpus;

    /** @param ngpus ranks for every case of this side (null: each case's own, else 1) */
    public TrainedRevision(String role, Materialized tree, List<String> sideOptions, Training training, Session session,
                           TrainerAdapter adapter, Integer ngpus) {
        this.adapter = adapter;
        this.ngpus = ngpus;
        this.role = role;
        this.tree = tree;
        this.sideOptions = List.copyOf(sideOptions);
        this.training = training;
        this.session = session;
    }

    @Override
    public dev.losscompare.core.result.Revision describe() {
        return tree.revision().toModel();
    }

    @Override
    public TrainedRevision trained() {
        return this;
    }

    @Override
    public SideResult series(CaseSpec c, Path caseDir) {
        throw new IllegalStateException("a trained side is run by the pipeline");
    }

    @Override
    public Integer expectedSteps(CaseSpec c) {
        return training.steps();
    }

    public String role() {
        return role;
    }

    public Materialized tree() {
        return tree;
    }

    /** The case's own options first, so the side's options (--train-options, then per side) override them. */
    public TrainerArgs args(CaseSpec c) {
        List<String> opts = new ArrayList<>(c.suite().options());
        opts.addAll(c.suite().sides().options(role));
        opts.addAll(sideOptions);
        return new TrainerArgs(tree.dir(), c.suite().config(), training.steps(), training.seed(), training.threads(), opts,
                training.kernels(), ngpus(c));
    }

    /** --ngpus (or --baseline-ngpus / --test-ngpus), else the case's value for this side, else 1. */
    public int ngpus(CaseSpec c) {
        if (ngpus != null) return ngpus;
        Integer fromCase = c.suite().sides().ngpus(role);
        return fromCase == null ? 1 : fromCase;
    }

    /** Builds once per content; returns the error line, or null. */
    public String build() throws IOException {
        Path log = session.out().resolve(role + "_build.log");
        session.console().out().println("building " + role + " " + tree.revision().spec() + " ...");
        BuildResult r = session.revisions().build(tree, log, session.buildTimeout(), adapter.buildCommand(tree.dir()));
        if (ActiveProcesses.shuttingDown()) throw new SideRunner.Interrupted();
        if (!r.ok()) return r.reason() + "; log: " + session.show(log);
        session.console().out().println("built " + role + " " + tree.revision().spec() + (r.reused() ? " (cached build)" : ""));
        return null;
    }

    /** The result-cache key of a case's seed checkpoint made by this revision (with this trainer adapter). */
    public String seedKey(CaseSpec c) {
        TrainerArgs seeding = seedArgs(c);
        return withAdapter(ResultCache.seedKey(tree, seeding, childEnvironment(seeding)));
    }

    /** The result-cache key of a case's run (null without a result cache). */
    String runKey(CaseSpec c, String seedKeyOrNull) {
        return runKey(args(c), seedKeyOrNull);
    }

    /** The result-cache key of a run with these arguments (a case's, or a traced re-run's); null without a result cache. */
    public String runKey(TrainerArgs args, String seedKeyOrNull) {
        if (session.results() == null) return null;
        return withAdapter(ResultCache.runKey(tree, args, seedKeyOrNull, childEnvironment(args)));
    }

    public Session session() {
        return session;
    }

    public Training training() {
        return training;
    }

    /** This repository's trainer keeps the keys it always had; any other adapter is part of the key. */
    private String withAdapter(String key) {
        return adapter == OwnTrainer.INSTANCE ? key : Sha256.hex(adapter.identity(), key);
    }

    public TrainerAdapter adapter() {
        return adapter;
    }

    /** A seed checkpoint is written by one process, whatever the ranks of this side's runs. */
    private TrainerArgs seedArgs(CaseSpec c) {
        return args(c).withNgpus(1);
    }

    /** The environment the trainer will see with these arguments: this process's, with the kernel set and rank count on top. */
    private Map<String, String> childEnvironment(TrainerArgs args) {
        Map<String, String> env = new HashMap<>(session.console().env());
        args.environment().forEach((k, v) -> {
            if (v == null) env.remove(k);
            else env.put(k, v);
        });
        return env;
    }

    /**
     * Writes the case's seed checkpoint (restored from the result cache when it is a file that
     * can be); returns the error line, or null. A trainer that cannot write one is an error that
     * says to run with --no-seed-checkpoint.
     */
    public String createSeed(CaseSpec c, Path caseDir, Path seed) throws IOException {
        return createSeed(c, caseDir, seed, "creating the seed checkpoint with " + role + " " + tree.revision().spec() + " ...");
    }

    /** {@link #createSeed(CaseSpec, Path, Path)} announcing itself with {@code announce} (a seed written for another purpose). */
    public String createSeed(CaseSpec c, Path caseDir, Path seed, String announce) throws IOException {
        ResultCache results = session.results();
        String spec = tree.revision().spec();
        TrainerArgs a = seedArgs(c);
        Launch launch = adapter.createSeed(a, RunFiles.of(caseDir, "seed"), seed);
        if (launch == null) {
            return "the " + adapter.name() + " trainer of " + role + " " + spec
                    + " has no seed checkpoint command; rerun with --no-seed-checkpoint (each run then initializes itself from the seed)";
        }
        boolean cacheable = results != null && adapter.seedName().endsWith(".safetensors");
        if (cacheable && results.restoreSeed(seedKey(c), seed)) {
            session.console().out().println("seed checkpoint of " + role + " " + spec + ": from cache");
            return null;
        }
        session.console().out().println(announce);
        Path log = caseDir.resolve("seed_checkpoint.log");
        RunOutcome o = Launchers.run(launch, log, training.timeout());
        if (o.interrupted()) throw new SideRunner.Interrupted();
        if (o.ok() && Files.exists(seed)) {
            if (cacheable) results.storeSeed(seedKey(c), seed);
            return null;
        }
        String why = o.timedOut() ? "timed out" + o.jobNote() : o.ok() ? "no checkpoint was written" : "exit " + o.exitCode();
        return "the " + role + " revision could not write a seed checkpoint (" + why + "): " + o.lastLine()
                + "; rerun with --no-seed-checkpoint to let each run initialize itself; log: " + session.show(log);
    }

    /**
     * Trains the case. {@code seed} is the checkpoint to start from (null: the revision's own
     * initialization) and {@code seedKey} its cache key; {@code seedFromOtherSide} says whether
     * another revision wrote it (then a load failure is explained as such).
     */
    public SideResult run(SideRunner runner, CaseSpec c, Path seed, String seedKey, boolean seedFromOtherSide) throws IOException {
        return runner.run(role, tree, adapter, args(c), seed, seedFromOtherSide, runKey(c, seed == null ? null : seedKey));
    }

    /**
     * Trains one case on its own, with its own progress display: what bisect's probes need.
     * The series and log go into {@code caseDir} as {@code <role>.jsonl} and {@code <role>_training.log}.
     */
    public SideResult runAlone(CaseSpec c, Path caseDir, Path seed, String seedKey, boolean seedFromOtherSide) throws IOException {
        Files.createDirectories(caseDir);
        try (Progress progress = session.progress()) {
            return run(session.runner(caseDir, progress, training.timeout()), c, seed, seedKey, seedFromOtherSide);
        }
    }
}
