package dev.losscompare.harness.perf;

import dev.losscompare.core.perf.PerfWords;

/**
 * The command line's names of the performance settings: the words the console and the reports
 * use when a performance line names a setting (core's judge has none of its own).
 */
public final class CommandLineWords {
    public static final PerfWords PERF = new PerfWords("--max-slowdown", "--max-memory-growth", "--perf-rounds");

    private CommandLineWords() {}
}
