package dev.losscompare.harness.api;

import dev.losscompare.core.text.Setting;
import dev.losscompare.core.judge.CaseJudge.CaseId;
import dev.losscompare.core.judge.Role;
import dev.losscompare.core.result.Comparison;
import dev.losscompare.core.series.UnreadableSeriesException;
import dev.losscompare.core.sources.RunSources;
import dev.losscompare.core.sources.SeriesFormat;
import dev.losscompare.core.sources.SourceOptions;
import dev.losscompare.core.sources.SourcedSeries;
import dev.losscompare.harness.Console;
import dev.losscompare.harness.UsageException;
import dev.losscompare.harness.engine.CaseEngine;
import dev.losscompare.harness.engine.CaseSpec;
import dev.losscompare.harness.engine.ExistingRun;
import dev.losscompare.harness.engine.OutputFolders;
import dev.losscompare.harness.engine.ReportSink;
import dev.losscompare.harness.engine.Seeds;
import dev.losscompare.harness.engine.Session;
import dev.losscompare.harness.launch.LocalLauncher;
import dev.losscompare.harness.engine.Training;
import dev.losscompare.harness.perf.PerfStage;
import dev.losscompare.harness.run.Kernels;
import dev.losscompare.harness.suite.SuiteCase;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * diff: judges two runs that already exist — our metrics files, TensorBoard folders, torchtitan
 * logs, Megatron golden values — with the same judge, reports and exit codes as compare, and
 * nothing trained. Where both runs' steps carry speed or memory, a performance verdict follows
 * (step-to-step noise; a threshold makes a change beyond it a performance FAIL).
 */
public final class Diff extends Verb<Diff, Comparison> implements JudgingVerb<Diff>, PerfVerb<Diff> {
    private final Path baseline;
    private final Path test;
    private final JudgeSettings judge = settings().judge;
    private final PerfSettings perf = settings().perf;
    private SeriesFormat baselineFormat;
    private SeriesFormat testFormat;
    private Integer rank;
    private final Map<String, String> tags = new LinkedHashMap<>();

    Diff(LossCompare lc, Path baseline, Path test) {
        super(lc);
        this.baseline = lc.resolve(baseline);
        this.test = lc.resolve(test);
    }

    /** --format: both runs' format (default: detected). */
    public Diff setFormat(SeriesFormat format) {
        this.baselineFormat = format;
        this.testFormat = format;
        return this;
    }

    /** --baseline-format: the baseline's format, when the two differ. */
    public Diff setBaselineFormat(SeriesFormat format) {
        this.baselineFormat = format;
        return this;
    }

    /** --test-format: the test run's format, when the two differ. */
    public Diff setTestFormat(SeriesFormat format) {
        this.testFormat = format;
        return this;
    }

    /** --rank: which rank's lines a multi-rank log contributes (default: the only rank with step lines, else rank 0). */
    public Diff setRank(int rank) {
        if (rank < 0) throw new UsageException(Setting.RANK, words().name(Setting.RANK) + " must be 0 or more, got " + rank);
        this.rank = rank;
        return this;
    }

    /** --tag METRIC=NAME: read {@code metric} from another TensorBoard tag or Megatron key. */
    public Diff setTag(String metric, String name) {
        tags.put(metric, name);
        return this;
    }

    @Override
    public Comparison call() throws IOException {
        Console console = lc.console();
        var judging = judge.judging(lc.console());
        SourcedSeries a = read(baseline, baselineFormat);
        SourcedSeries b = read(test, testFormat);
        for (SourcedSeries run : List.of(a, b)) if (run.note() != null) console.out().println("note: " + run.note());
        Instant started = Instant.now();
        CaseSpec c = new CaseSpec(new SuiteCase(null, null, List.of()), caseId(a));
        // Nothing is trained: the header's steps are the test run's count, seed and threads say nothing.
        Training none = new Training(b.series().steps().size(), 0, 0, Kernels.NATIVE, null);
        judging.checkNoise(List.of(c), none, null);
        Path out = OutputFolders.create(words(), outputFolder, console.cwd(), name(baseline), name(test), started);
        Session session = new Session(console, out, null, null, null, LocalLauncher.INSTANCE);
        return OutputFolders.owned(out, () -> {
            try (Seeds seeds = Seeds.none()) {
                return CaseEngine.run(new CaseEngine.Plan(session, none, new ExistingRun(Role.BASELINE, a), new ExistingRun(Role.TEST, b),
                        List.of(c), seeds, 1), new ReportSink(judging, new ReportSink.Header(null, started), null)
                                .check(new PerfStage(perf.ofSeries())));
            }
        });
    }

    private SourcedSeries read(Path path, SeriesFormat format) {
        try {
            return RunSources.read(path, new SourceOptions(format, rank, tags, words()));
        } catch (IllegalArgumentException | UnreadableSeriesException e) {
            throw new UsageException(e.getMessage());
        }
    }

    /** The case is named after the model in the baseline's meta, when it has one. */
    static CaseId caseId(SourcedSeries run) {
        Object model = run.series().meta().get("model");
        Object flavor = run.series().meta().get("flavor");
        if (model == null) return new CaseId("run", "run", "", null);
        String f = flavor == null ? "" : flavor.toString();
        return new CaseId((model + "_" + f).replaceAll("[^A-Za-z0-9._-]", "_"), model.toString(), f, null);
    }

    private static String name(Path p) {
        Path f = p.getFileName();
        return f == null ? "run" : f.toString();
    }
}
