package dev.losscompare.harness.cli;

import dev.losscompare.harness.noise.NoiseEnvelopes;

import dev.losscompare.core.series.UnreadableSeriesException;
import dev.losscompare.core.judge.CaseJudge.CaseId;
import dev.losscompare.harness.Console;
import dev.losscompare.harness.UsageException;
import dev.losscompare.harness.pipeline.CaseSpec;
import dev.losscompare.harness.pipeline.ComparePipeline;
import dev.losscompare.harness.pipeline.ExistingRun;
import dev.losscompare.harness.pipeline.Judging;
import dev.losscompare.harness.pipeline.OutputFolders;
import dev.losscompare.harness.pipeline.Session;
import dev.losscompare.harness.pipeline.SourceBaseline;
import dev.losscompare.harness.pipeline.Training;
import dev.losscompare.harness.run.Kernels;
import dev.losscompare.core.sources.RunSources;
import dev.losscompare.core.sources.SeriesFormat;
import dev.losscompare.core.sources.SourceOptions;
import dev.losscompare.core.sources.SourcedSeries;
import dev.losscompare.harness.suite.SuiteCase;
import java.nio.file.Path;
import java.time.Instant;
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

    @Option(names = "--rank", paramLabel = "N", description = "Which rank's lines a multi-rank log contributes (default: rank 0).")
    Integer rank;

    @Option(names = "--tag", paramLabel = "METRIC=NAME", description = "Read a metric from another TensorBoard tag or Megatron key, e.g. --tag loss=train/loss (repeatable).")
    List<String> tags = new ArrayList<>();

    @Mixin JudgeOptions judge;
    @Mixin OutputOptions output;
    @Mixin NoiseOptions noise;

    @Override
    public Integer call() throws Exception {
        Console console = root.console();
        Judging judging = judge.judging();
        SourcedSeries a = read(console.cwd().resolve(baseline), baselineFormat != null ? baselineFormat : format);
        SourcedSeries b = read(console.cwd().resolve(test), testFormat != null ? testFormat : format);
        Instant started = Instant.now();
        Path out = OutputFolders.create(output.folder(console), console.cwd(), name(baseline), name(test), started);
        Session session = new Session(console, out, null, null, null);
        CaseSpec c = new CaseSpec(new SuiteCase(null, null, List.of()), caseId(a));
        int steps = b.series().steps().size();
        ComparePipeline pipeline = new ComparePipeline(session, new SourceBaseline(new ExistingRun("baseline", a)),
                new ExistingRun("test", b), List.of(c), judging, false, 1,
                new ComparePipeline.Header(null, new Training(steps, 0, 0, Kernels.NATIVE, null), started));
        return pipeline.noise(noise.envelopes(console, NoiseEnvelopes.Policy.ALWAYS, null, false, judge)).run();
    }

    private SourcedSeries read(Path path, String formatName) {
        try {
            SeriesFormat f = formatName == null ? null : SeriesFormat.byName(formatName);
            return RunSources.read(path, new SourceOptions(f, rank, SourceOptions.parseNames(tags)));
        } catch (IllegalArgumentException e) {
            throw new UsageException(e.getMessage());
        } catch (UnreadableSeriesException e) {
            throw new UsageException(e.getMessage());
        }
    }

    /** The case is named after the model in the baseline's meta, when it has one. */
    private static CaseId caseId(SourcedSeries run) {
        return caseId(run.series());
    }

    /** The case a run on disk is: model_flavor from its meta, else "run" (calibrate --from-runs names envelopes so). */
    static CaseId caseId(dev.losscompare.core.series.RunSeries series) {
        Object model = series.meta().get("model");
        Object flavor = series.meta().get("flavor");
        if (model == null) return new CaseId("run", "run", "", null);
        String f = flavor == null ? "" : flavor.toString();
        return new CaseId((model + "_" + f).replaceAll("[^A-Za-z0-9._-]", "_"), model.toString(), f, null);
    }

    private static String name(Path p) {
        Path f = p.getFileName();
        return f == null ? "run" : f.toString();
    }
}
