package dev.losscompare.harness.diagnose;

import dev.losscompare.harness.adapter.Launch;
import dev.losscompare.harness.adapter.RunFiles;
import dev.losscompare.harness.cache.ResultCache;
import dev.losscompare.harness.pipeline.CaseSpec;
import dev.losscompare.harness.pipeline.SideRunner;
import dev.losscompare.harness.pipeline.TrainedRevision;
import dev.losscompare.harness.launch.Launchers;
import dev.losscompare.harness.run.RunOutcome;
import dev.losscompare.harness.run.TrainerArgs;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * One side of a case re-run for steps 1..k with the trainer's trace on: the same config, options,
 * seed and seed checkpoint as its run, plus {@code --training.steps=k --debug.trace_steps=1-k}.
 * The trace file is kept in the result cache under the key of that run (a distinct key: its
 * options differ from the full run's), so a second diagnosis trains nothing.
 */
final class TracedRun {
    /** The trace written (null when there is none), or why not; {@code rejected}: the trainer does not know the trace keys. */
    record Outcome(Path trace, boolean fromCache, boolean rejected, String error) {}

    private TracedRun() {}

    static String spec(int k) {
        return k == 1 ? "1" : "1-" + k;
    }

    static Outcome run(TrainedRevision side, CaseSpec c, int k, Path seedFile, String seedKey, Path dir) throws IOException {
        String role = side.role();
        TrainerArgs args = side.args(c).withSteps(k, List.of("--debug.trace_steps=" + spec(k)));
        Path trace = dir.resolve(role + ".trace.jsonl");
        Path log = dir.resolve(role + "_trace.log");
        ResultCache results = side.session().results();
        String runKey = side.runKey(args, seedFile == null ? null : seedKey);
        String key = runKey == null ? null : ResultCache.traceKey(runKey);
        Files.createDirectories(dir);
        if (key != null && results.restoreTrace(key, trace)) return new Outcome(trace, true, false, null);

        RunFiles files = RunFiles.of(dir, role + "_traced_metrics");   // not kept: the full run has the series
        Launch launch = side.adapter().train(args, files, seedFile);
        List<String> command = new ArrayList<>(launch.command());
        command.add("--debug.trace_path=" + trace.toAbsolutePath());   // not an option of the run: never part of its key
        RunOutcome o = Launchers.run(new Launch(command, launch.workDir(), launch.environment(), launch.tasks()), log,
                side.training().timeout());
        if (o.interrupted()) throw new SideRunner.Interrupted();
        Files.deleteIfExists(files.partial());
        Files.deleteIfExists(files.series());
        String where = "; log: " + side.session().show(log);
        if (!o.ok()) {
            if (o.exitCode() == 2 && o.lastLine().contains("debug.trace")) {
                return new Outcome(null, false, true, "the " + role + " revision's trainer does not write traces (it rejects"
                        + " --debug.trace_steps: " + o.lastLine() + ")");
            }
            String why = o.timedOut() ? "timed out" + o.jobNote() : "exit " + o.exitCode() + ": " + o.lastLine();
            return new Outcome(null, false, false, "the traced re-run of " + role + " failed (" + why + ")" + where);
        }
        if (!Files.isRegularFile(trace)) {
            return new Outcome(null, false, true, "the " + role + " revision's trainer wrote no trace" + where);
        }
        if (key != null && Trace.read(trace).complete()) results.storeTrace(key, trace, log);
        return new Outcome(trace, false, false, null);
    }
}
