package dev.losscompare.harness.engine;

import dev.losscompare.core.judge.Role;
import dev.losscompare.harness.adapter.Launch;
import dev.losscompare.harness.adapter.RunFiles;
import dev.losscompare.harness.adapter.TrainerSpec;
import dev.losscompare.harness.diagnose.PytorchTraceFiles;
import dev.losscompare.harness.cache.ResultCache;
import dev.losscompare.harness.diagnose.Trace;
import dev.losscompare.harness.diagnose.TracedSide;
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
 * {@code --training.steps=k --debug.trace_steps=1-k} (our trainer) or the PyTorch tracer's
 * environment (a trainer with trace = "pytorch"); the trace is kept in the result cache under
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
    public String trace() {
        return side.adapter().trace();
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
    public TraceOutcome traceTo(int k, Path dir, int run) throws IOException {
        if (trace().equals(TrainerSpec.TRACE_PYTORCH)) return pytorchTraceTo(k, dir, run);
        if (run != 1) throw new IllegalArgumentException("our trainer is bitwise run to run: one traced run");
        return ownTraceTo(k, dir);
    }

    /**
     * The same run to step k with the PyTorch tracer on (PYTHONPATH's sitecustomize, its variables);
     * its ranks' files merged into one, cached under the run's key with the tracer's identity.
     */
    private TraceOutcome pytorchTraceTo(int k, Path dir, int run) throws IOException {
        String role = side.role().word();
        String suffix = run == 1 ? "" : ".run" + run;
        TrainerArgs args = side.args(c, training).withSteps(k, List.of());
        Path trace = dir.resolve(role + suffix + ".trace.jsonl");
        Path out = dir.resolve(role + "_pytorch_trace" + suffix);
        String runKey = new RunKeys(session).run(side, args, seed.file() == null ? null : seed.key());
        String key = runKey == null ? null : ResultCache.traceKey(runKey + " " + PytorchTracer.identity() + " run " + run);
        return rerun(role, args, key, trace, dir.resolve(role + "_trace" + suffix + ".log"), launch -> {
            deleteTree(out);
            // Each run its own copy: the sides' runs start in parallel, and a file rewritten while read would break the import.
            Path tracer = PytorchTracer.writeTo(dir.resolve(role + "_pytorch_tracer" + suffix));
            return new Launch(launch.command(), launch.workDir(), PytorchTracer.environment(launch.environment(), tracer, out, spec(k)),
                    launch.tasks());
        }, (o, where) -> {
            if (!o.ok()) return failed(role, o, where);
            String none = PytorchTraceFiles.merge(out, trace);
            return none == null ? null : new TraceOutcome(null, false, false, "the " + role + " side: " + none);
        });
    }

    /** Its own trainer's trace: --debug.trace_steps=1-k --debug.trace_path=F. */
    private TraceOutcome ownTraceTo(int k, Path dir) throws IOException {
        String role = side.role().word();
        TrainerArgs args = side.args(c, training).withSteps(k, List.of("--debug.trace_steps=" + spec(k)));
        Path trace = dir.resolve(role + ".trace.jsonl");
        String runKey = new RunKeys(session).run(side, args, seed.file() == null ? null : seed.key());
        String key = runKey == null ? null : ResultCache.traceKey(runKey);
        return rerun(role, args, key, trace, dir.resolve(role + "_trace.log"), launch -> {
            List<String> command = new ArrayList<>(launch.command());
            command.add("--debug.trace_path=" + trace.toAbsolutePath());   // not an option of the run: never part of its key
            return new Launch(command, launch.workDir(), launch.environment(), launch.tasks());
        }, (o, where) -> {
            if (!o.ok() && o.rejected("debug.trace")) {
                return new TraceOutcome(null, false, true, "the " + role + " revision's trainer does not write traces (it rejects"
                        + " --debug.trace_steps: " + o.lastLine() + ")");
            }
            if (!o.ok()) return failed(role, o, where);
            if (!Files.isRegularFile(trace)) {
                return new TraceOutcome(null, false, true, "the " + role + " revision's trainer wrote no trace" + where);
            }
            return null;
        });
    }

    /** How a traced run's launch turns its trace on. */
    private interface Tracing {
        Launch apply(Launch launch) throws IOException;
    }

    /** What a finished traced run left: null when {@code trace} is there, else why there is none. */
    private interface Collect {
        TraceOutcome failure(RunOutcome o, String where) throws IOException;
    }

    /**
     * One traced re-run: from the result cache under {@code key}, else run (through the launcher) and
     * keep the complete trace; the run's own metrics are not kept (the full run has the series).
     */
    private TraceOutcome rerun(String role, TrainerArgs args, String key, Path trace, Path log, Tracing tracing, Collect collect)
            throws IOException {
        ResultCache results = session.results();
        Files.createDirectories(trace.getParent());
        if (key != null && results.restoreTrace(key, trace)) return new TraceOutcome(trace, true, false, null);
        RunFiles files = RunFiles.of(trace.getParent(), role + "_traced_metrics");
        RunOutcome o = session.launcher().run(tracing.apply(side.adapter().train(args, files, seed.file())), log, training.timeout());
        if (o.interrupted()) throw new Interrupted();
        Files.deleteIfExists(files.partial());
        Files.deleteIfExists(files.series());
        TraceOutcome failed = collect.failure(o, "; log: " + session.show(log));
        if (failed != null) return failed;
        if (key != null && Trace.read(trace).complete()) results.storeTrace(key, trace, log);
        return new TraceOutcome(trace, false, false, null);
    }

    private static TraceOutcome failed(String role, RunOutcome o, String where) {
        String why = o.timedOut() ? "timed out" + o.jobNote() : "exit " + o.exitCode() + ": " + o.lastLine();
        return new TraceOutcome(null, false, false, "the traced re-run of " + role + " failed (" + why + ")" + where);
    }

    private static void deleteTree(Path folder) throws IOException {
        if (!Files.exists(folder)) return;
        try (var paths = Files.walk(folder)) {
            for (Path p : paths.sorted(java.util.Comparator.reverseOrder()).toList()) Files.delete(p);
        }
    }
}
