package dev.losscompare.harness.api;

/** A command that gives a performance verdict (compare, diff, bisect): the command line's thresholds. */
public interface PerfVerb<SELF> {
    /** --max-slowdown: a fall of throughput (or rise of step time) beyond the noise by more than this ("10%" or "10") FAILs. */
    SELF setMaxSlowdown(String percent);

    /** --max-memory-growth: a rise of peak memory beyond the noise by more than this ("20%") FAILs. */
    SELF setMaxMemoryGrowth(String percent);
}
