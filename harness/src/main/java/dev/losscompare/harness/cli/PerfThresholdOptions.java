package dev.losscompare.harness.cli;

import dev.losscompare.harness.api.PerfVerb;
import picocli.CommandLine.Option;

/** --max-slowdown / --max-memory-growth: beyond them a measured change is a performance FAIL. Checked by the API. */
public final class PerfThresholdOptions {
    @Option(names = "--max-slowdown", paramLabel = "P",
            description = "Performance FAIL when throughput falls (or the step time grows) by more than P percent beyond the noise, e.g. 10%%.")
    String maxSlowdown;

    @Option(names = "--max-memory-growth", paramLabel = "P",
            description = "Performance FAIL when peak memory grows by more than P percent beyond the noise, e.g. 20%%.")
    String maxMemoryGrowth;

    <V extends PerfVerb<V>> void applyTo(V verb) {
        if (maxSlowdown != null) verb.setMaxSlowdown(maxSlowdown);
        if (maxMemoryGrowth != null) verb.setMaxMemoryGrowth(maxMemoryGrowth);
    }
}
