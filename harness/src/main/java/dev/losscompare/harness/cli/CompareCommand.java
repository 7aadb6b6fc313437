package dev.losscompare.harness.cli;

import dev.losscompare.harness.Wording;
import dev.losscompare.harness.UsageException;
import dev.losscompare.harness.api.Compare;
import dev.losscompare.harness.api.Export;
import dev.losscompare.harness.api.LossCompare;
import dev.losscompare.harness.diagnose.DiagnoseMode;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;

/**
 * {@code loss_compare compare BASELINE TEST [options]} (also {@code ./loss_compare.sh BASELINE TEST}):
 * trains both revisions identically and judges them ({@link Compare}). torchtitan's
 * {@code --import-result} (the baseline is a loss file) and {@code --export-result} (train the
 * baseline, write its losses: {@link Export}) are accepted here too.
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

    @ArgGroup(validate = false, heading = Sections.WHAT, order = 1) SuiteOptions suite = new SuiteOptions();
    @ArgGroup(validate = false, heading = Sections.TRAINING, order = 2) TrainingOptions training = new TrainingOptions();
    @ArgGroup(validate = false, heading = Sections.SIDES, order = 3) SideOptions sides = new SideOptions();
    @ArgGroup(validate = false, heading = Sections.JUDGING, order = 4) JudgeOptions judge = new JudgeOptions();
    @ArgGroup(validate = false, heading = Sections.NOISE, order = 5) NoiseOptions noise = new NoiseOptions();
    @ArgGroup(validate = false, heading = Sections.PERFORMANCE, order = 6) PerfOptions perf = new PerfOptions();
    @ArgGroup(validate = false, heading = Sections.RESUME, order = 7) ResumeOptions resume = new ResumeOptions();
    @ArgGroup(validate = false, heading = Sections.CLUSTER, order = 9) LauncherOptions launcher = new LauncherOptions();
    @ArgGroup(validate = false, heading = Sections.RUNS, order = 10) TimeoutOptions timeouts = new TimeoutOptions();
    @ArgGroup(validate = false, heading = Sections.REPOSITORY, order = 11) RepoOptions repo = new RepoOptions();
    @ArgGroup(validate = false, heading = Sections.OUTPUT, order = 12) OutputOptions output = new OutputOptions();
    @ArgGroup(validate = false, heading = Sections.ENVIRONMENTS, order = 8) EnvironmentOptions environments = new EnvironmentOptions();

    @ArgGroup(validate = false, heading = Sections.COMPARE, order = 0) Own own = new Own();

    /** The options only compare takes: a --help section of their own, first. */
    static final class Own {
        @Option(names = "--resume-across", description = "With a resume check: the test revision also resumes from the baseline's step-K checkpoint.")
        boolean resumeAcross;

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
    }

    @Override
    public Integer call() throws Exception {
        LossCompare lc = launcher.open(root.console(), repo);
        if (own.exportResult != null) return export(lc);
        String tst = test;
        if (own.importResult != null) {
            // torchtitan passes ". ." here; the run to check is TEST (or the only revision given).
            if (baseline == null) throw new UsageException("--import-result needs the revision to run: loss_compare.sh TEST --import-result=FILE");
            tst = tst == null ? baseline : tst;
        } else if (baseline == null || test == null) {
            throw new UsageException("need two revisions: " + Wording.COMMAND_LINE.command(Wording.Call.COMPARE, "BASELINE", "TEST"));
        }
        Compare compare = lc.compare(own.importResult != null ? null : baseline, tst);
        if (own.importResult != null) compare.setImportResult(own.importResult);
        training.applyTo(compare, java.util.List.of());
        sides.applyTo(compare);
        judge.applyTo(compare);
        noise.applyTo(compare);
        suite.applyTo(compare);
        output.applyTo(compare);
        timeouts.applyTo(compare);
        if (own.jobs != null) compare.setJobs(own.jobs);
        resume.applyTo(compare);
        perf.applyTo(compare);
        environments.applyTo(compare);
        if (own.resumeAcross) compare.setResumeAcross(true);
        if (own.diagnose != null) compare.setDiagnose(own.diagnose ? DiagnoseMode.FORCE : DiagnoseMode.OFF);
        return compare.call().exitCode();
    }

    /** --export-result: the baseline alone, with its own options, as {@code export} trains it. */
    private int export(LossCompare lc) throws Exception {
        if (own.importResult != null) throw new UsageException("--export-result and --import-result cannot be used together");
        if (suite.suite != null) throw new UsageException("--suite compares two revisions; it cannot be combined with --export-result");
        if (baseline == null) throw new UsageException("--export-result needs the revision to run: loss_compare.sh BASELINE --export-result=FILE");
        if (perf.asked()) throw new UsageException("--export-result trains one side only: a performance verdict needs two (leave out --perf, "
                + "--perf-rounds, --max-slowdown, --max-memory-growth)");
        if (sides.testOptions != null || sides.testNgpus != null) {
            throw new UsageException((sides.testOptions != null ? "--test-train-options" : "--test-ngpus")
                    + " has no effect with --export-result: only the baseline runs");
        }
        if (environments.baseline != null || environments.test != null) {
            throw new UsageException("--baseline-env and --test-env have no effect with --export-result (it trains one revision"
                    + " in this process's environment)");
        }
        Export export = training.applyTo(lc.export(baseline, own.exportResult), sides.baseline());
        if (sides.baselineNgpus != null) export.setNgpus(sides.baselineNgpus);
        output.applyTo(export);
        timeouts.applyTo(export);
        return export.call().exitCode();
    }
}
