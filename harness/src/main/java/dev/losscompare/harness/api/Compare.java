package dev.losscompare.harness.api;

import dev.losscompare.harness.Wording;
import dev.losscompare.core.text.Setting;
import dev.losscompare.core.judge.Role;
import dev.losscompare.core.result.Comparison;
import dev.losscompare.core.series.RunSeries;
import dev.losscompare.core.series.UnreadableSeriesException;
import dev.losscompare.core.sources.LossFile;
import dev.losscompare.harness.Console;
import dev.losscompare.harness.UsageException;
import dev.losscompare.harness.adapter.InEnvironment;
import dev.losscompare.harness.adapter.TrainerAdapter;
import dev.losscompare.harness.cache.Materialized;
import dev.losscompare.harness.diagnose.DiagnoseMode;
import dev.losscompare.harness.engine.CaseEngine;
import dev.losscompare.harness.engine.CaseSpec;
import dev.losscompare.harness.engine.ImportedSeries;
import dev.losscompare.harness.engine.OutputFolders;
import dev.losscompare.harness.engine.ReportSink;
import dev.losscompare.harness.engine.Seeds;
import dev.losscompare.harness.engine.Session;
import dev.losscompare.harness.engine.Side;
import dev.losscompare.harness.engine.TrainedSide;
import dev.losscompare.harness.engine.Training;
import dev.losscompare.harness.engine.Workspace;
import dev.losscompare.harness.git.ResolvedRevision;
import dev.losscompare.harness.noise.BaselineRepeat;
import dev.losscompare.harness.perf.PerfRequest;
import dev.losscompare.harness.perf.PerfStage;
import dev.losscompare.harness.resume.ResumeRequest;
import dev.losscompare.harness.resume.ResumeStage;
import dev.losscompare.harness.suite.Suite;
import dev.losscompare.harness.suite.SuiteCase;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * compare: trains BASELINE and TEST identically and judges every case (a lone --config case, or a
 * suite's). With {@link #setImportResult} the baseline is a loss file and only TEST is trained.
 * The result is the {@link Comparison} also written as comparison.json.
 * Longer than the other verbs because compare is the one that takes every option group (both
 * sides, import/export, diagnosis, resume, noise, performance): each setter is one line, the checks between
 * options live in {@link #call()} where they are read together.
 */
public final class Compare extends TrainingVerb<Compare, Comparison> implements JudgingVerb<Compare>, SuiteVerb<Compare>, ResumingVerb<Compare>,
        TimedPerfVerb<Compare>, EnvironmentVerb<Compare> {
    private final String baseline;
    private final String test;
    private final JudgeSettings judge = settings().judge;
    private final SuiteSettings suite = settings().suite;
    private final PerfSettings perf = settings().perf;
    private final List<String> sideGiven = new ArrayList<>();
    private List<String> baselineOptions = List.of();
    private List<String> testOptions = List.of();
    private Integer baselineNgpus;
    private Integer testNgpus;
    private Integer jobs;
    private Path importResult;
    private DiagnoseMode diagnose = DiagnoseMode.AUTO;
    private boolean resumeAcross;

    /** @param baseline null with {@link #setImportResult} (the file is the baseline) */
    Compare(LossCompare lc, String baseline, String test) {
        super(lc);
        this.baseline = baseline;
        this.test = test;
    }

    /** --baseline-train-options: trainer options for the baseline's runs only (after --train-options). */
    public Compare setBaselineOptions(List<String> options) {
        this.baselineOptions = List.copyOf(options);
        sideGiven.add(words().name(Setting.BASELINE_TRAIN_OPTIONS));
        return this;
    }

    /** --test-train-options: trainer options for the test's runs only. */
    public Compare setTestOptions(List<String> options) {
        this.testOptions = List.copyOf(options);
        return this;
    }

    /** --baseline-ngpus: ranks for the baseline's runs (overrides --ngpus). */
    public Compare setBaselineNgpus(int n) {
        this.baselineNgpus = n;
        sideGiven.add(words().name(Setting.BASELINE_NGPUS));
        return this;
    }

    /** --test-ngpus: ranks for the test's runs (overrides --ngpus). */
    public Compare setTestNgpus(int n) {
        this.testNgpus = n;
        return this;
    }

    /** --jobs: runs at once (default 2 when the machine has cores for two runs, else 1). */
    public Compare setJobs(int jobs) {
        this.jobs = jobs;
        return this;
    }

    /** --import-result: the baseline is this loss file (JSON Lines or "step loss" lines); only TEST is trained. */
    public Compare setImportResult(Path file) {
        this.importResult = lc.resolve(file);
        return this;
    }

    /** --diagnose / --no-diagnose: when to locate where the runs part (default: a FAIL on a value). */
    public Compare setDiagnose(DiagnoseMode mode) {
        this.diagnose = mode;
        return this;
    }

    /** --resume-across: with a resume check, the test revision also continues the baseline's step-K checkpoint. */
    public Compare setResumeAcross(boolean across) {
        this.resumeAcross = across;
        return this;
    }

    @Override
    public Comparison call() throws IOException {
        Console console = lc.console();
        Suite suiteRead = suite.read(console, false);
        if (suiteRead != null && importResult != null) {
            throw new UsageException(Setting.SUITE, words().name(Setting.SUITE) + " compares two revisions; it cannot be combined with "
                    + words().name(Setting.IMPORT_RESULT));
        }
        if (suiteRead != null && configGiven()) {
            throw new UsageException(Setting.CONFIG, words().name(Setting.CONFIG) + " cannot be combined with " + words().name(Setting.SUITE)
                    + ": each case of " + console.show(suite.file(console, false))
                    + " names its own config");
        }
        List<String> baselineOnly = new ArrayList<>(sideGiven);
        if (environments.name(Role.BASELINE) != null) baselineOnly.add(words().name(Setting.BASELINE_ENV));
        if (importResult != null && !baselineOnly.isEmpty()) {
            throw new UsageException(Setting.IMPORT_RESULT, baselineOnly.get(0) + " has no effect with " + words().name(Setting.IMPORT_RESULT)
                    + ": the file is the baseline, only the test trains");
        }
        if (test == null || importResult == null && baseline == null) {
            throw new UsageException("need two revisions: " + words().command(Wording.Call.COMPARE, "BASELINE", "TEST"));
        }
        Training t = training(suiteRead);
        var judging = judge.judging(lc.console(), suiteRead == null || suiteRead.noise() == null ? null : Path.of(suiteRead.noise()));
        List<SuiteCase> suiteCases = suiteRead == null ? List.of(new SuiteCase(null, config(), List.of())) : suiteRead.cases();
        ResumeRequest resume = new ResumeRequest(settings().resumeAt, resumeAcross).checked(t.steps(), suiteCases, importResult == null, words());
        PerfRequest perfRequest = perf.timed(suiteRead == null ? null : suiteRead.perf());
        List<String> baseOptions = concat(trainOptions(), baselineOptions);
        List<String> testOpts = concat(trainOptions(), testOptions);
        Integer baseRanks = Ranks.checked(baselineNgpus != null ? baselineNgpus : ngpus(),
                baselineNgpus != null ? Setting.BASELINE_NGPUS : Setting.NGPUS, words());
        Integer testRanks = Ranks.checked(testNgpus != null ? testNgpus : ngpus(), testNgpus != null ? Setting.TEST_NGPUS : Setting.NGPUS, words());
        int threads = Math.max(Threads.effective(t.threads(), baseOptions), Threads.effective(t.threads(), testOpts));
        int coresPerRun = threads * maxRanks(suiteCases, baseRanks, testRanks);
        int cores = Runtime.getRuntime().availableProcessors();
        if (coresPerRun > cores) {
            console.err().println("note: a run needs " + coresPerRun + " cores (ranks x threads) and this machine has " + cores
                    + ": the runs will be slower; the bits do not change");
        }
        int runsAtOnce = Jobs.runsAtOnce(jobs, coresPerRun, words());
        List<String> inputs = suiteRead == null ? List.of() : suiteRead.inputs();
        String suiteLabel = suiteRead == null ? null : console.show(suite.file(console, false));
        Instant started = Instant.now();
        try (Workspace ws = lc.workspace(suiteRead, timeout)) {
            ResolvedRevision baseRev = importResult != null ? null : ws.resolve(baseline);
            ResolvedRevision testRev = ws.resolve(test);
            RunSeries imported = importResult == null ? null : readImport(importResult);
            TrainerAdapter baseAdapter = baseRev == null ? null : adapter(suiteRead, Role.BASELINE);
            TrainerAdapter adapter = adapter(suiteRead, Role.TEST);
            ws.fromWorkingTree(adapter.fromWorkingTree());
            Materialized baseTree = baseRev == null ? null : ws.materialize("baseline", baseRev, inputs, InEnvironment.of(baseAdapter));
            Materialized testTree = ws.materialize("test", testRev, inputs, InEnvironment.of(adapter));
            if (baseTree != null) Workspace.checkConfigs(suiteCases, baseTree, suiteLabel, words());
            Workspace.checkConfigs(suiteCases, testTree, suiteLabel, words());
            List<CaseSpec> cases = Workspace.cases(suiteCases, baseTree != null ? baseTree : testTree,
                    baseTree != null ? baseOptions : testOpts);
            TrainedSide testSide = new TrainedSide(Role.TEST, testTree, testOpts, adapter, testRanks);
            Side baselineSide = baseTree != null ? new TrainedSide(Role.BASELINE, baseTree, baseOptions, baseAdapter, baseRanks)
                    : new ImportedSeries(importResult, imported);
            // The trained side that seeds and whose settings an envelope must match: the baseline when it trains, else the test.
            TrainedSide first = baselineSide.trained() != null ? baselineSide.trained() : testSide;
            judging.checkNoise(cases, t, first);
            Path out = OutputFolders.create(words(), outputFolder, console.cwd(),
                    baseRev != null ? baseline : importResult.getFileName().toString(), test, started);
            Session session = ws.session(out, lc.resultCache(), buildTimeout);
            // The seed checkpoint comes from the baseline when it is trained, else from the test revision.
            TrainedSide seeder = !seedCheckpoint(adapter) ? null : first;
            String label = suiteLabel != null ? suiteLabel : config();
            return ws.guarded(out, () -> {
                try (Seeds seeds = Seeds.by(seeder, session, t)) {
                    return CaseEngine.run(new CaseEngine.Plan(session, t, baselineSide, testSide, cases, seeds, runsAtOnce),
                            new ReportSink(judging, new ReportSink.Header(label, started), diagnose).check(new BaselineRepeat())
                                    .check(new ResumeStage(resume))
                                    .check(new PerfStage(perfRequest)));
                }
            });
        }
    }

    /** The most ranks any run of these cases uses (--ngpus and the per-side options win over the cases'). */
    private static int maxRanks(List<SuiteCase> cases, Integer baseRanks, Integer testRanks) {
        int most = 1;
        for (SuiteCase c : cases) {
            for (Role role : Role.values()) {
                Integer n = role == Role.BASELINE ? baseRanks : testRanks;
                if (n == null) n = c.sides().ngpus(role);
                most = Math.max(most, n == null ? 1 : n);
            }
        }
        return most;
    }

    private RunSeries readImport(Path file) {
        if (!Files.isRegularFile(file)) {
            throw new UsageException(UsageException.Reason.FILE, Setting.IMPORT_RESULT, words().name(Setting.IMPORT_RESULT) + ": no such file: " + file);
        }
        try {
            return LossFile.read(file);
        } catch (UnreadableSeriesException e) {
            throw new UsageException(Setting.IMPORT_RESULT, words().name(Setting.IMPORT_RESULT) + ": " + e.getMessage());
        }
    }

    static List<String> concat(List<String> a, List<String> b) {
        List<String> all = new ArrayList<>(a);
        all.addAll(b);
        return all;
    }
}
