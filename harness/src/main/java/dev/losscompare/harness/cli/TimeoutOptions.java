package dev.losscompare.harness.cli;

import dev.losscompare.harness.api.Verb;
import java.time.Duration;
import picocli.CommandLine.Option;

/** How long a training run and a build may take before their process trees are killed. */
public final class TimeoutOptions {
    @Option(names = "--timeout", paramLabel = "DURATION", converter = DurationConverter.class,
            description = "Stop a run that takes longer (e.g. 90s, 30m, 1h).")
    Duration timeout;

    @Option(names = "--build-timeout", paramLabel = "DURATION", converter = DurationConverter.class,
            description = "Stop a build that takes longer (default: " + Verb.DEFAULT_BUILD_TIMEOUT_MINUTES + "m).")
    Duration buildTimeout;

    <V extends Verb<V, ?>> V applyTo(V verb) {
        if (timeout != null) verb.setTimeout(timeout);
        return buildTimeout == null ? verb : verb.setBuildTimeout(buildTimeout);
    }
}
