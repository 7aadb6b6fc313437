package dev.losscompare.harness.perf;

import dev.losscompare.core.perf.PerfWords;
import dev.losscompare.harness.Wording;

/**
 * The command line's names of the performance settings: the words the console and the reports
 * use when a performance line names a setting (core's judge has none of its own), from the one
 * table of flags and setters ({@link Wording}).
 */
public final class CommandLineWords {
    public static final PerfWords PERF = PerfWords.of(Wording.COMMAND_LINE);

    private CommandLineWords() {}
}
