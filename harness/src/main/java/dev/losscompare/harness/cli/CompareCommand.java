package dev.losscompare.harness.cli;

import dev.losscompare.harness.Console;
import dev.losscompare.harness.UsageException;
import dev.losscompare.harness.adapter.TrainerAdapter;
import dev.losscompare.harness.cache.Materialized;
import dev.losscompare.harness.diagnose.DiagnoseMode;
import dev.losscompare.harness.git.ResolvedRevision;
import dev.losscompare.core.sources.LossFile;
import dev.losscompare.harness.pipeline.Baseline;
import dev.losscompare.harness.pipeline.CaseSpec;
import dev.losscompare.harness.pipeline.ComparePipeline;
import dev.losscompare.harness.resume.ResumeRequest;
import dev.losscompare.harness.resume.ResumeStage;
import dev.losscompare.harness.pipeline.ImportedBaseline;
import dev.losscompare.harness.pipeline.OutputFolders;
import dev.losscompare.harness.pipeline.Session;
import dev.losscompare.harness.pipeline.TrainedBaseline;
import dev.losscompare.harness.pipeline.TrainedRevision;
import dev.losscompare.harness.pipeline.Training;
import dev.losscompare.harness.pipeline.Workspace;
import dev.losscompare.harness.suite.Suite;
import dev.losscompare.harness.suite.SuiteCase;
import dev.losscompare.core.series.UnreadableSeriesException;
import java.nio.file.Files;
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
 * {@code loss_compare compare BASELINE TEST [options]} (also {@code ./loss_compare.sh BASELINE TEST}):
 * trains both revisions identically and judges them. torchtitan's {@code --import-result} (the
 * baseline is a loss file) and {@code --export-result} (train the baseline, write its losses) are
 * accepted here too, as the same pipeline with another baseline or sink.
 */
@Command(name = "compare", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Train two git revisions identically and diff their per-step loss and grad_norm.",
                "Exit: 0 every case matches, 1 some case differs, 2 could not decide."},
        footer = {"", "Revisions: a branch, tag, sha, HEAD~n, origin/main, or . for the working tree.",
                "Examples:", "  ./loss_compare.sh main HEAD --steps=100",
                "  ./loss_compare.sh HEAD~1 . --steps=5 --train-options=\"--training.seq_len=64\"",
                "  ./loss_compare.sh HEAD~1 HEAD --suite=configs/signoff.toml"})
public final class CompareCommand implements Callable<Integer> {
    @ParentCommand
    LossCompareCommand root;

    @Parameters(index = "0", arity = "0..1", paramLabel = "BASELINE", description = "Baseline revision.")
    String baseline;

    @Parameters(index = "1", arity = "0..1", paramLabel = "TEST", description = "Test revision.")
    String test;

    @Mixin TrainingOptions training;
    @Mixin SideOptions sides;
    @Mixin JudgeOptions judge;
    @Mixin SuiteOptions suite;
    @Mixin RepoOptions repo;
    @Mixin OutputOptions output;
    @Mixin TimeoutOptions timeouts;

    @Option(names = "--jobs", paramLabel = "N", description = "Runs at once (default: 2 when cores >= 2 x threads, else 1).")
    Integer jobs;

    @Option(names = "--export-result", paramLabel = "FILE", description = "Run the baseline only and write its losses as \"step loss\" lines (as: export).")
    Path exportResult;

    @Option(names = "--import-result", paramLabel = "FILE", description = "Run the test revision only and compare it with this loss file.")
    Path importResult;

    @Option(names = "--diagnose", negatable = true, paramLabel = "",
            description = {"Locate where the runs part (re-run both sides to the first divergent step with the trainer's trace).",
                    "Default: every case that FAILs on a value; --diagnose also a PASS; --no-diagnose never."})
    Boolean diagnose;

    @Option(names = "--resume-at", paramLabel = "K",
            description = {"Check resuming too: each side trains 1..N writing checkpoints and resumes K+1..N from its step-K one;",
                    "the resumed steps must equal the continuous ones bitwise (overrides the cases' resume_at)."})
    Integer resumeAt;

    @Option(names = "--resume-across", description = "With a resume check: the test revision also resumes from the baseline's step-K checkpoint.")
    boolean resumeAcross;

    @Override
    public Integer call() throws Exception {
        Console console = root.console();
        if (exportResult != null) {
            if (importResult != null) throw new UsageException("--export-result and --import-result cannot be used together");
            if (suite.suite != null) throw new UsageException("--suite compares two revisions; it cannot be combined with --export-result");
            if (baseline == null) throw new UsageException("--export-result needs the revision to run: loss_compare.sh BASELINE --export-result=FILE");
            return ExportCommand.export(console, baseline, console.cwd().resolve(exportResult), training, sides.baseline(), repo,
                    output, timeouts);
        }
        suite.requireSuiteForCases();
        if (suite.suite != null && importResult != null) {
            throw new UsageException("--suite compares two revisions; it cannot be combined with --import-result");
        }
        String base = baseline;
        String tst = test;
        if (importResult != null) {
            // torchtitan passes ". ." here; the run to check is TEST (or the only revision given).
            if (base == null) throw new UsageException("--import-result needs the revision to run: loss_compare.sh TEST --import-result=FILE");
            tst = tst == null ? base : tst;
            base = null;
        } else if (base == null || tst == null) {
            throw new UsageException("need two revisions: loss_compare.sh BASELINE TEST [options] (see --help)");
        }
        if (resumeAt != null && resumeAt < 1) throw new UsageException("--resume-at must be a step >= 1, got " + resumeAt);
        Training t = training.training(timeouts.timeout);
        if (resumeAt != null && resumeAt >= t.steps()) {
            throw new UsageException("--resume-at=" + resumeAt + " leaves no step to resume: it must be below --steps (" + t.steps() + ")");
        }
        var judging = judge.judging();
        List<String> both = training.trainOptions();
        List<String> baseOptions = concat(both, sides.baseline());
        List<String> testOptions = concat(both, sides.test());
        Path suiteFile = suite.file(console);
        Suite suiteRead = suiteFile == null ? null : suite.read(console);
        List<SuiteCase> suiteCases = suiteRead == null ? List.of(new SuiteCase(null, training.config, List.of())) : suiteRead.cases();
        int threads = Math.max(Threads.effective(t.threads(), baseOptions), Threads.effective(t.threads(), testOptions));
        if (resumeAcross && (importResult != null || resumeAt == null && suiteCases.stream().allMatch(c -> c.resumeAt() == null))) {
            throw new UsageException("--resume-across needs two trained revisions and a resume check (--resume-at=K, or resume_at in the suite)");
        }
        int coresPerRun = threads * maxRanks(suiteCases);
        int cores = Runtime.getRuntime().availableProcessors();
        if (coresPerRun > cores) {
            console.err().println("note: a run needs " + coresPerRun + " cores (ranks x threads) and this machine has " + cores
                    + ": the runs will be slower; the bits do not change");
        }
        int runsAtOnce = Jobs.runsAtOnce(jobs, coresPerRun);
        List<String> inputs = suiteRead == null ? List.of() : suiteRead.inputs();
        Instant started = Instant.now();
        try (Workspace ws = Workspace.open(console, repo.repoDir(console), repo.cacheDir(console))) {
            ResolvedRevision baseRev = base == null ? null : ws.resolve(base);
            ResolvedRevision testRev = ws.resolve(tst);
            var imported = importResult == null ? null : readImport(console.cwd().resolve(importResult));
            Materialized baseTree = baseRev == null ? null : ws.materialize("baseline", baseRev, inputs);
            Materialized testTree = ws.materialize("test", testRev, inputs);
            if (baseTree != null) Workspace.checkConfigs(suiteCases, baseTree);
            Workspace.checkConfigs(suiteCases, testTree);
            List<CaseSpec> cases = Workspace.cases(suiteCases, baseTree != null ? baseTree : testTree,
                    baseTree != null ? baseOptions : testOptions);
            Path out = OutputFolders.create(output.folder(console), console.cwd(),
                    base != null ? base : importResult.getFileName().toString(), tst, started);
            Session session = ws.session(out, repo.useResultCache(), timeouts.buildTimeout);
            TrainerAdapter adapter = training.adapter(console, suiteRead);
            TrainedRevision testSide = new TrainedRevision("test", testTree, testOptions, t, session, adapter,
                    training.ngpus(sides.testNgpus));
            Baseline baselineSide = baseTree != null
                    ? new TrainedBaseline(new TrainedRevision("baseline", baseTree, baseOptions, t, session, adapter,
                            training.ngpus(sides.baselineNgpus)), t.steps(), testSide)
                    : new ImportedBaseline(console.cwd().resolve(importResult), imported);
            String label = suiteFile != null ? console.show(suiteFile) : training.config;
            ComparePipeline pipeline = new ComparePipeline(session, baselineSide, testSide, cases, judging,
                    training.seedCheckpoint(), runsAtOnce, new ComparePipeline.Header(label, t, started))
                    .diagnose(diagnose == null ? DiagnoseMode.AUTO : diagnose ? DiagnoseMode.FORCE : DiagnoseMode.OFF)
                    .resume(new ResumeStage(new ResumeRequest(resumeAt, resumeAcross), runsAtOnce));
            return ws.guarded(out, pipeline::run);
        }
    }

    /** The most ranks any run of these cases uses (--ngpus and the per-side options win over the cases'). */
    private int maxRanks(List<SuiteCase> cases) {
        int most = 1;
        for (SuiteCase c : cases) {
            for (String role : List.of("baseline", "test")) {
                Integer n = training.ngpus(role.equals("baseline") ? sides.baselineNgpus : sides.testNgpus);
                if (n == null) n = c.sides().ngpus(role);
                most = Math.max(most, n == null ? 1 : n);
            }
        }
        return most;
    }

    private static dev.losscompare.core.series.RunSeries readImport(Path file) {
        if (!Files.isRegularFile(file)) throw new UsageException("--import-result: no such file: " + file);
        try {
            return LossFile.read(file);
        } catch (UnreadableSeriesException e) {
            throw new UsageException("--import-result: " + e.getMessage());
        }
    }

    static List<String> concat(List<String> a, List<String> b) {
        List<String> all = new ArrayList<>(a);
        all.addAll(b);
        return all;
    }
}
