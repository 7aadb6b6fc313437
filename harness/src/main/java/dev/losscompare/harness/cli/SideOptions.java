package dev.losscompare.harness.cli;

import dev.losscompare.harness.api.Compare;
import dev.losscompare.harness.run.ShellWords;
import java.util.List;
import picocli.CommandLine.Option;

/** Options for one side only, after --train-options (so they override it). */
public final class SideOptions {
    @Option(names = {"--baseline-train-options", "--baseline-options"}, paramLabel = "\"OPTS\"", description = "Trainer options for the baseline run only.")
    String baselineOptions;

    @Option(names = {"--test-train-options", "--test-options"}, paramLabel = "\"OPTS\"", description = "Trainer options for the test run only.")
    String testOptions;

    @Option(names = "--baseline-ngpus", paramLabel = "N", description = "Ranks for the baseline runs (overrides --ngpus).")
    Integer baselineNgpus;

    @Option(names = "--test-ngpus", paramLabel = "N", description = "Ranks for the test runs (overrides --ngpus).")
    Integer testNgpus;

    List<String> baseline() {
        return ShellWords.split(baselineOptions, "--baseline-train-options");
    }

    Compare applyTo(Compare compare) {
        if (baselineOptions != null) compare.setBaselineOptions(baseline());
        if (testOptions != null) compare.setTestOptions(ShellWords.split(testOptions, "--test-train-options"));
        if (baselineNgpus != null) compare.setBaselineNgpus(baselineNgpus);
        if (testNgpus != null) compare.setTestNgpus(testNgpus);
        return compare;
    }
}
