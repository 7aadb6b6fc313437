package dev.losscompare.harness.engine;

import dev.losscompare.core.judge.Role;
import dev.losscompare.harness.adapter.Launch;
import dev.losscompare.harness.adapter.RunFiles;
import dev.losscompare.harness.cache.ResultCache;
import dev.losscompare.harness.diagnose.Trace;
import dev.losscompare.harness.diagnose.TracedSide;
import dev.losscompare.harness.run.ChildProcess;
import dev.losscompare.harness.run.RunOutcome;
import dev.losscompare.harness.run.TrainerArgs;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * A trained side of one case as diagnosis sees it. Its traced re-run uses the same config,
 * options, seed and seed checkpoint as the case's run, plus
 * {@code --training.steps=k --debug.trace_steps=1-k}; the trace is kept in the result cache under
 * the key of that run (a distinct key: its options differ from the full run's), so a second
 * diagnosis trains nothing.
 */
final class TracedRerun implements TracedSide {
    private final Session session;
    private final Training training;
    private final TrainedSide side;
    private final CaseSpec c;
    private final Seeds.Seed seed;

    TracedRerun(Session session, Training training, TrainedSide side, CaseSpec c, Seeds.Seed seed) {
        this.session = session;
        this.training = training;
        this.side = side;
        this.c = c;
        this.seed = seed;
    }

    @Override
    public Role role() {
        return side.role();
    }

    @Override
    public String spec() {
        return side.tree().revision().spec();
    }

    @Override
    public String trainerName() {
        return side.adapter().name();
    }

    @Override
    public boolean ownTrainer() {
        return side.ownTrainer();
    }

    @Override
    public int ranks() {
        return side.ngpus(c);
    }

    @Override
    public String writeOwnSeed(Path dir, Path file, String announce) throws IOException {
        return new SeedWriter(session, training).write(side, c, dir, file, announce);
    }

    static String spec(int k) {
        return k == 1 ? "1" : "1-" + k;
    }

    @Override
    public TraceOutcome traceTo(int k, Path dir) throws IOException {
        String role = side.role().word();
        TrainerArgs args = side.args(c, training).withSteps(k, List.of("--debug.trace_steps=" + spec(k)));
        Path trace = dir.resolve(role + ".trace.jsonl");
        Path log = dir.resolve(role + "_trace.log");
        ResultCache results = session.results();
        String runKey = new RunKeys(session).run(side, args, seed.file() == null ? null : seed.key());
        String key = runKey == null ? null : ResultCache.traceKey(runKey);
        Files.createDirectories(dir);
        if (key != null && results.restoreTrace(key, trace)) return new TraceOutcome(trace, true, false, null);

        RunFiles files = RunFiles.of(dir, role + "_traced_metrics");   // not kept: the full run has the series
        Launch launch = side.adapter().train(args, files, seed.file());
        List<String> command = new ArrayList<>(launch.command());
        command.add("--debug.trace_path=" + trace.toAbsolutePath());   // not an option of the run: never part of its key
        RunOutcome o = ChildProcess.run(command, launch.workDir(), log, training.timeout(), launch.environment());
        if (o.interrupted()) throw new Interrupted();
        Files.deleteIfExists(files.partial());
        Files.deleteIfExists(files.series());
        String where = "; log: " + session.show(log);
        if (!o.ok()) {
            if (o.rejected("debug.trace")) {
                return new TraceOutcome(null, false, true, "the " + role + " revision's trainer does not write traces (it rejects"
                        + " --debug.trace_steps: " + o.lastLine() + ")");
            }
            String why = o.timedOut() ? "timed out" : "exit " + o.exitCode() + ": " + o.lastLine();
            return new TraceOutcome(null, false, false, "the traced re-run of " + role + " failed (" + why + ")" + where);
        }
        if (!Files.isRegularFile(trace)) {
            return new TraceOutcome(null, false, true, "the " + role + " revision's trainer wrote no trace" + where);
        }
        if (key != null && Trace.read(trace).complete()) results.storeTrace(key, trace, log);
        return new TraceOutcome(trace, false, false, null);
    }
}
