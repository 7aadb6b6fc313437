package dev.losscompare.harness.launch;

import dev.losscompare.harness.adapter.Launch;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;

/**
 * Where a run's processes start: here as child processes ({@link LocalLauncher}) or as Slurm
 * jobs ({@link SlurmLauncher}). Every run the pipeline starts (seed checkpoints, trainings, traced
 * re-runs, bisect probes; builds when the launcher takes them) goes through one.
 */
public interface RunLauncher {
    /** Starts {@code launch}, its output into {@code log}; {@code timeout} (null: none) stops it. */
    RunHandle start(Launch launch, Path log, Duration timeout) throws IOException;

    /** True when independent runs should all be started at once (a cluster queues them), not a few at a time. */
    boolean startsAllAtOnce();

    /** True when builds go through this launcher too (else they run on this machine). */
    boolean runsBuilds();
}
