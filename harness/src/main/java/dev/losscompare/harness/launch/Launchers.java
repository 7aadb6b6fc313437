package dev.losscompare.harness.launch;

import dev.losscompare.harness.adapter.Launch;
import dev.losscompare.harness.run.RunOutcome;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;

/**
 * The launcher of this invocation: the command line installs one ({@code --launcher}, a suite's
 * {@code [launcher]} table) before any run starts; local by default.
 */
public final class Launchers {
    private static volatile RunLauncher current = LocalLauncher.INSTANCE;

    private Launchers() {}

    public static void use(RunLauncher launcher) {
        current = launcher;
    }

    public static RunLauncher current() {
        return current;
    }

    /** Starts a run with the current launcher and waits for its end. */
    public static RunOutcome run(Launch launch, Path log, Duration timeout) throws IOException {
        return current.start(launch, log, timeout).await();
    }

    /** A build: through the current launcher when it takes builds, else on this machine. */
    public static RunOutcome build(Launch launch, Path log, Duration timeout) throws IOException {
        RunLauncher l = current.runsBuilds() ? current : LocalLauncher.INSTANCE;
        return l.start(launch, log, timeout).await();
    }
}
