package dev.losscompare.harness.launch;

import dev.losscompare.harness.adapter.Launch;
import dev.losscompare.harness.run.ChildProcess;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;

/** Runs as child processes of the harness (the ranks started by the trainer's own launcher). */
public final class LocalLauncher implements RunLauncher {
    public static final LocalLauncher INSTANCE = new LocalLauncher();

    private LocalLauncher() {}

    @Override
    public RunHandle start(Launch launch, Path log, Duration timeout) throws IOException {
        return ChildProcess.start(launch.command(), launch.workDir(), log, timeout, launch.environment());
    }

    @Override
    public boolean startsAllAtOnce() {
        return false;
    }

    @Override
    public boolean runsBuilds() {
        return false;
    }
}
