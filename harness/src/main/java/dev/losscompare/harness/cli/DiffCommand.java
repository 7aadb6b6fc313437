package dev.losscompare.harness.cli;

import dev.losscompare.harness.Wording;
import dev.losscompare.core.sources.SeriesFormat;
import dev.losscompare.harness.UsageException;
import dev.losscompare.harness.api.Diff;
import dev.losscompare.harness.api.LossCompare;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.TypeConversionException;

/**
 * {@code loss_compare diff A B}: judges two runs that already exist — our metrics files,
 * TensorBoard folders, torchtitan logs, Megatron golden values — with the same judge, reports
 * and exit codes as compare, and nothing trained.
 */
@Command(name = "diff", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Compare two existing runs (no training): JSON Lines metrics, TensorBoard event folders, "
                + "torchtitan logs or Megatron-LM golden values, detected or named with --format.",
                "Where both runs' steps carry throughput, step time or memory, a performance line follows the verdict "
                + "(step to step noise; --max-slowdown / --max-memory-growth make a change beyond them a performance FAIL).",
                "Exit: 0 the runs match, 1 they differ, 2 could not decide."})
public final class DiffCommand implements Callable<Integer> {
    @ParentCommand
    LossCompareCommand root;

    @Parameters(index = "0", paramLabel = "A", description = "The baseline run: a file or a folder.")
    Path baseline;

    @Parameters(index = "1", paramLabel = "B", description = "The test run: a file or a folder.")
    Path test;

    @ArgGroup(validate = false, heading = Sections.READING, order = 0) Own own = new Own();

    /** The options only diff takes: a --help section of their own, first. */
    static final class Own {
        @Option(names = "--format", paramLabel = "FORMAT", converter = FormatName.class, completionCandidates = FormatName.class,
                description = "Both runs' format: ${COMPLETION-CANDIDATES} (default: detected).")
        SeriesFormat format;

        @Option(names = "--baseline-format", paramLabel = "FORMAT", converter = FormatName.class, description = "The baseline's format, when the two differ.")
        SeriesFormat baselineFormat;

        @Option(names = "--test-format", paramLabel = "FORMAT", converter = FormatName.class, description = "The test run's format, when the two differ.")
        SeriesFormat testFormat;

        @Option(names = "--rank", paramLabel = "N", description = "Which rank's lines a multi-rank log contributes (default: the only rank with step lines).")
        Integer rank;

        @Option(names = "--tag", paramLabel = "METRIC=NAME", description = "Read a metric from another TensorBoard tag or Megatron key, e.g. --tag loss=train/loss (repeatable).")
        Map<String, String> tags = new LinkedHashMap<>();
    }

    @ArgGroup(validate = false, heading = Sections.JUDGING, order = 4) JudgeOptions judge = new JudgeOptions();
    @ArgGroup(validate = false, heading = Sections.NOISE, order = 5) NoiseOptions noise = new NoiseOptions();
    @ArgGroup(validate = false, heading = Sections.PERFORMANCE, order = 6) PerfThresholdOptions perf = new PerfThresholdOptions();
    @ArgGroup(validate = false, heading = Sections.OUTPUT, order = 12) OutputOptions output = new OutputOptions();

    @Override
    public Integer call() throws Exception {
        Diff diff = repo().diff(baseline, test);
        if (own.format != null) diff.setFormat(own.format);
        if (own.baselineFormat != null) diff.setBaselineFormat(own.baselineFormat);
        if (own.testFormat != null) diff.setTestFormat(own.testFormat);
        if (own.rank != null) diff.setRank(own.rank);
        own.tags.forEach((metric, name) -> {
            if (metric.isBlank() || name.isBlank()) {
                throw new UsageException("--tag '" + metric + "=" + name + "' is not METRIC=NAME (e.g. --tag loss=train/loss)");
            }
            diff.setTag(metric.strip(), name.strip());
        });
        judge.applyTo(diff);
        noise.applyTo(diff);
        perf.applyTo(diff);
        output.applyTo(diff);
        return diff.call().exitCode();
    }

    /** diff reads no repository: the runs are files. */
    private LossCompare repo() {
        return LossCompare.open(root.console().cwd(), root.console()).setWording(Wording.COMMAND_LINE);
    }

    /** A format by the name the user gives it (jsonl, torchtitan-log, ...), and those names for --help. */
    static final class FormatName implements ITypeConverter<SeriesFormat>, Iterable<String> {
        @Override
        public SeriesFormat convert(String name) {
            try {
                return SeriesFormat.byName(name);
            } catch (IllegalArgumentException e) {
                throw new TypeConversionException(e.getMessage());
            }
        }

        @Override
        public Iterator<String> iterator() {
            return Arrays.stream(SeriesFormat.values()).map(SeriesFormat::cliName).iterator();
        }
    }
}
