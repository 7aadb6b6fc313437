package dev.losscompare.harness.api;

/** A command that gives a performance verdict (compare, diff, bisect, gate): the command line's thresholds. */
public interface PerfVerb<SELF> extends SettingsVerb {
    /** --max-slowdown: a fall of throughput (or rise of step time) beyond the noise by more than this ("10%" or "10") FAILs. */
    default SELF setMaxSlowdown(String percent) {
        settings().perf.maxSlowdown(percent);
        return VerbSettings.self(this);
    }

    /** --max-memory-growth: a rise of peak memory beyond the noise by more than this ("20%") FAILs. */
    default SELF setMaxMemoryGrowth(String percent) {
        settings().perf.maxMemoryGrowth(percent);
        return VerbSettings.self(this);
    }
}
