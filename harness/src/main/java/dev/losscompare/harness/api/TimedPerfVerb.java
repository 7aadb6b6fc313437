package dev.losscompare.harness.api;

/** A command that trains and can time its runs itself for the performance verdict (compare, bisect, gate). */
public interface TimedPerfVerb<SELF> extends PerfVerb<SELF> {
    /** --perf: time the runs (alternated rounds, one run at a time) and give a performance verdict. */
    default SELF setPerf(boolean perf) {
        settings().perf.perf(perf);
        return VerbSettings.self(this);
    }

    /** --perf-rounds: timed rounds per side, alternated A B, B A, A B, ... (at least 2; implies --perf). */
    default SELF setPerfRounds(int rounds) {
        settings().perf.rounds(rounds);
        return VerbSettings.self(this);
    }
}
