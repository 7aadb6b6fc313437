package dev.losscompare.harness.cli;

import java.time.Duration;
import picocli.CommandLine.Option;

/** How long a training run and a build may take before their process trees are killed. */
public final class TimeoutOptions {
    @Option(names = "--timeout", paramLabel = "DURATION", converter = DurationConverter.class,
            description = "Stop a run that takes longer (e.g. 90s, 30m, 1h).")
    Duration timeout;

    @Option(names = "--build-timeout", paramLabel = "DURATION", converter = DurationConverter.class, defaultValue = "30m",
            description = "Stop a build that takes longer (default: ${DEFAULT-VALUE}).")
    Duration buildTimeout;
}
