package dev.losscompare.harness.cli;

import dev.losscompare.core.sources.SeriesFormat;
import dev.losscompare.harness.UsageException;
import dev.losscompare.harness.api.Diff;
import dev.losscompare.harness.api.LossCompare;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;

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

    @Option(names = "--format", paramLabel = "FORMAT", description = "Both runs' format: jsonl, torchtitan-log, tensorboard or megatron-golden (default: detected).")
    String format;

    @Option(names = "--baseline-format", paramLabel = "FORMAT", description = "The baseline's format, when the two differ.")
    String baselineFormat;

    @Option(names = "--test-format", paramLabel = "FORMAT", description = "The test run's format, when the two differ.")
    String testFormat;

    @Option(names = "--rank", paramLabel = "N", description = "Which rank's lines a multi-rank log contributes (default: the only rank with step lines).")
    Integer rank;

    @Option(names = "--tag", paramLabel = "METRIC=NAME", description = "Read a metric from another TensorBoard tag or Megatron key, e.g. --tag loss=train/loss (repeatable).")
    List<String> tags = new ArrayList<>();

    @Mixin JudgeOptions judge;
    @Mixin NoiseOptions noise;
    @Mixin PerfThresholdOptions perf;
    @Mixin OutputOptions output;

    @Override
    public Integer call() throws Exception {
        Diff diff = repo().diff(baseline, test);
        if (format != null) diff.setFormat(format(format, "--format"));
        if (baselineFormat != null) diff.setBaselineFormat(format(baselineFormat, "--baseline-format"));
        if (testFormat != null) diff.setTestFormat(format(testFormat, "--test-format"));
        if (rank != null) diff.setRank(rank);
        for (String tag : tags) {
            int eq = tag.indexOf('=');
            if (eq <= 0 || eq == tag.length() - 1) {
                throw new UsageException("--tag '" + tag + "' is not METRIC=NAME (e.g. --tag loss=train/loss)");
            }
            diff.setTag(tag.substring(0, eq).strip(), tag.substring(eq + 1).strip());
        }
        judge.applyTo(diff);
        noise.applyTo(diff);
        perf.applyTo(diff);
        output.applyTo(diff);
        return diff.call().exitCode();
    }

    /** diff reads no repository: the runs are files. */
    private LossCompare repo() {
        return LossCompare.open(root.console().cwd(), root.console());
    }

    private static SeriesFormat format(String name, String option) {
        try {
            return SeriesFormat.byName(name);
        } catch (IllegalArgumentException e) {
            throw new UsageException(option + ": " + e.getMessage());
        }
    }
}
