package dev.losscompare.harness.pipeline;

import dev.losscompare.domain.judge.SideResult;
import dev.losscompare.harness.cache.BuildResult;
import dev.losscompare.harness.cache.Materialized;
import dev.losscompare.harness.cache.ResultCache;
import dev.losscompare.harness.run.ActiveProcesses;
import dev.losscompare.harness.run.ChildProcess;
import dev.losscompare.harness.run.Progress;
import dev.losscompare.harness.run.RunOutcome;
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
public final class TrainedRevision {
    private final String role;
    private final Materialized tree;
    private final List<String> sideOptions;
    private final Training training;
    private final Session session;

    public TrainedRevision(String role, Materialized tree, List<String> sideOptions, Training training, Session session) {
        this.role = role;
        this.tree = tree;
        this.sideOptions = List.copyOf(sideOptions);
        this.training = training;
        this.session = session;
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
        opts.addAll(sideOptions);
        return new TrainerArgs(tree.dir(), c.suite().config(), training.steps(), training.seed(), training.threads(), opts,
                training.kernels());
    }

    /** Builds once per content; returns the error line, or null. */
    public String build() throws IOException {
        Path log = session.out().resolve(role + "_build.log");
        session.console().out().println("building " + role + " " + tree.revision().spec() + " ...");
        BuildResult r = session.revisions().build(tree, log, session.buildTimeout());
        if (ActiveProcesses.shuttingDown()) throw new SideRunner.Interrupted();
        if (!r.ok()) return r.reason() + "; log: " + session.show(log);
        session.console().out().println("built " + role + " " + tree.revision().spec() + (r.reused() ? " (cached build)" : ""));
        return null;
    }

    /** The result-cache key of a case's seed checkpoint made by this revision. */
    public String seedKey(CaseSpec c) {
        return ResultCache.seedKey(tree, args(c), childEnvironment(c));
    }

    /** The result-cache key of a case's run (null without a result cache). */
    String runKey(CaseSpec c, String seedKeyOrNull) {
        if (session.results() == null) return null;
        return ResultCache.runKey(tree, args(c), seedKeyOrNull, childEnvironment(c));
    }

    /** The environment the trainer will see: this process's, with the kernel set on top. */
    private Map<String, String> childEnvironment(CaseSpec c) {
        Map<String, String> env = new HashMap<>(session.console().env());
        env.putAll(args(c).environment());
        return env;
    }

    /** Writes the case's seed checkpoint (restored from the result cache when it can be); returns the error line, or null. */
    public String createSeed(CaseSpec c, Path caseDir, Path seedFile) throws IOException {
        ResultCache results = session.results();
        String spec = tree.revision().spec();
        if (results != null && results.restoreSeed(seedKey(c), seedFile)) {
            session.console().out().println("seed checkpoint of " + role + " " + spec + ": from cache");
            return null;
        }
        session.console().out().println("creating the seed checkpoint with " + role + " " + spec + " ...");
        Path log = caseDir.resolve("seed_checkpoint.log");
        TrainerArgs a = args(c);
        RunOutcome o = ChildProcess.run(a.seedCheckpointCommand(seedFile), tree.dir(), log, training.timeout(), a.environment());
        if (o.interrupted()) throw new SideRunner.Interrupted();
        if (o.ok() && Files.isRegularFile(seedFile)) {
            if (results != null) results.storeSeed(seedKey(c), seedFile);
            return null;
        }
        String why = o.timedOut() ? "timed out" : o.ok() ? "no checkpoint file was written" : "exit " + o.exitCode();
        return "the " + role + " revision could not write a seed checkpoint (" + why + "): " + o.lastLine()
                + "; rerun with --no-seed-checkpoint to let each run initialize itself; log: " + session.show(log);
    }

    /**
     * Trains the case. {@code seed} is the checkpoint to start from (null: the revision's own
     * initialization) and {@code seedKey} its cache key; {@code seedFromOtherSide} says whether
     * another revision wrote it (then a load failure is explained as such).
     */
    public SideResult run(SideRunner runner, CaseSpec c, Path seed, String seedKey, boolean seedFromOtherSide) throws IOException {
        return runner.run(role, tree, args(c), seed, seedFromOtherSide, runKey(c, seed == null ? null : seedKey));
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
