package dev.losscompare.harness.launch;

import dev.losscompare.harness.adapter.Launch;
import dev.losscompare.harness.run.RunOutcome;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;

/**
 * Where a run's processes start: here as child processes ({@link LocalLauncher}) or as Slurm
 * jobs ({@link SlurmLauncher}). Every run the pipeline starts (seed checkpoints, trainings, traced
 * re-runs, bisect probes; builds when the launcher takes them) goes through one: the launcher of
 * the call's {@code engine.Session}, never a process-wide one.
 */
public interface RunLauncher extends AutoCloseable {
    /** Starts {@code launch}, its output into {@code log}; {@code timeout} (null: none) stops it. */
    RunHandle start(Launch launch, Path log, Duration timeout) throws IOException;

    /** True when independent runs should all be started at once (a cluster queues them), not a few at a time. */
    boolean startsAllAtOnce();

    /** True when builds go through this launcher too (else they run on this machine). */
    boolean runsBuilds();

    /** The cache every node sees, when the launcher needs one (null: this machine's default cache). */
    default Path sharedCache() {
        return null;
    }

    /**
     * Lets go of what the launcher holds beyond its runs (a Slurm launcher's Ctrl-C hook). A call
     * closes the launcher it made itself when it ends, never one it was given.
     */
    @Override
    default void close() {}

    /** Starts a run and waits for its end. */
    default RunOutcome run(Launch launch, Path log, Duration timeout) throws IOException {
        return start(launch, log, timeout).await();
    }

    /** A build: through this launcher when it takes builds, else on this machine. */
    default RunOutcome build(Launch launch, Path log, Duration timeout) throws IOException {
        return (runsBuilds() ? this : LocalLauncher.INSTANCE).run(launch, log, timeout);
    }
}
