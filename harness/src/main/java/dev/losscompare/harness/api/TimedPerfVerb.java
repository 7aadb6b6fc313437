package dev.losscompare.harness.api;

/** A command that trains both sides and can time them itself for the performance verdict (compare, bisect). */
public interface TimedPerfVerb<SELF> extends PerfVerb<SELF> {
    /** --perf: time both sides (alternated rounds, one run at a time) and give a performance verdict. */
    SELF setPerf(boolean perf);

    /** --perf-rounds: timed rounds per side, alternated A B, B A, A B, ... (at least 2; implies --perf). */
    SELF setPerfRounds(int rounds);
}
