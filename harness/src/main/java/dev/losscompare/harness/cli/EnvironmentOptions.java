package dev.losscompare.harness.cli;

import dev.losscompare.harness.api.EnvironmentVerb;
import picocli.CommandLine.Option;

/** --baseline-env / --test-env: the [environment.NAME] tables each side runs in (compare, calibrate, gate, bisect). */
public final class EnvironmentOptions {
    @Option(names = "--baseline-env", paramLabel = "NAME",
            description = {"Run the baseline's trainings in the suite's or trainer file's [environment.NAME]",
                    "(command prefix, variables, libtorch version); default: this process's own."})
    String baseline;

    @Option(names = "--test-env", paramLabel = "NAME", description = "Run the test's trainings in [environment.NAME].")
    String test;

    <T extends EnvironmentVerb<T>> T applyTo(T verb) {
        if (baseline != null) verb.setBaselineEnv(baseline);
        if (test != null) verb.setTestEnv(test);
        return verb;
    }
}
