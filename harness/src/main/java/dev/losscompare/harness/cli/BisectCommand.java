package dev.losscompare.harness.cli;

import dev.losscompare.harness.api.Bisect;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;

/**
 * {@code loss_compare bisect GOOD BAD}: the first commit on BAD's first-parent path after GOOD
 * whose series differ from GOOD's (or, with --against-goldens, that fails the gate).
 */
@Command(name = "bisect", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Find the first commit after GOOD, on BAD's first-parent path, whose series differ from GOOD's "
                + "(same judge options as compare; bitwise by default).",
                "Exit: 0 found (or no change in GOOD..BAD), 2 could not decide."},
        footer = {"", "A commit that does not build or whose run crashes is skipped; if skips hide the answer, the candidates are listed.",
                "Examples:", "  ./loss_compare.sh bisect v1.2 main --steps=3",
                "  ./loss_compare.sh bisect HEAD~20 HEAD --suite=configs/signoff.toml --jobs=3",
                "  ./loss_compare.sh bisect HEAD~20 HEAD --against-goldens"})
public final class BisectCommand implements Callable<Integer> {
    @ParentCommand
    LossCompareCommand root;

    @Parameters(index = "0", paramLabel = "GOOD", description = "A commit whose numbers are right.")
    String good;

    @Parameters(index = "1", paramLabel = "BAD", description = "A later commit whose numbers moved.")
    String bad;

    @ArgGroup(validate = false, heading = Sections.TRAINING, order = 2) TrainingOptions training = new TrainingOptions();
    @ArgGroup(validate = false, heading = Sections.JUDGING, order = 4) JudgeOptions judge = new JudgeOptions();
    @ArgGroup(validate = false, heading = Sections.NOISE, order = 5) NoiseOptions noise = new NoiseOptions();
    @ArgGroup(validate = false, heading = Sections.WHAT, order = 1) SuiteOptions suite = new SuiteOptions();
    @ArgGroup(validate = false, heading = Sections.REPOSITORY, order = 11) RepoOptions repo = new RepoOptions();
    @ArgGroup(validate = false, heading = Sections.OUTPUT, order = 12) OutputOptions output = new OutputOptions();
    @ArgGroup(validate = false, heading = Sections.RUNS, order = 10) TimeoutOptions timeouts = new TimeoutOptions();
    @ArgGroup(validate = false, heading = Sections.CLUSTER, order = 9) LauncherOptions launcher = new LauncherOptions();
    @ArgGroup(validate = false, heading = Sections.RESUME, order = 7) ResumeOptions resume = new ResumeOptions();
    @ArgGroup(validate = false, heading = Sections.PERFORMANCE, order = 6) PerfOptions perf = new PerfOptions();
    @ArgGroup(validate = false, heading = Sections.ENVIRONMENTS, order = 8) EnvironmentOptions environments = new EnvironmentOptions();

    @ArgGroup(validate = false, heading = Sections.SEARCH, order = 0) Own own = new Own();

    /** The options only bisect takes: a --help section of their own, first. */
    static final class Own {
        @Option(names = "--jobs", paramLabel = "N",
                description = "Commits probed at once: N > 1 searches k-ary (default: 2 when cores >= 2 x threads, else 1).")
        Integer jobs;

        @Option(names = "--against-goldens", description = "Bisect against the goldens instead of GOOD's runs: the first commit "
                + "whose gate fails (the suite's [gate] settings and the portable kernel set, as gate runs).")
        boolean againstGoldens;

        @Option(names = "--golden-dir", paramLabel = "DIR", description = "With --against-goldens: where the goldens live (default: configs/golden).")
        Path goldenDir;
    }

    @Override
    public Integer call() throws Exception {
        Bisect bisect = training.applyTo(launcher.open(root.console(), repo).bisect(good, bad), List.of());
        judge.applyTo(bisect);
        noise.applyTo(bisect);
        suite.applyTo(bisect);
        resume.applyTo(bisect);
        perf.applyTo(bisect);
        environments.applyTo(bisect);
        timeouts.applyTo(output.applyTo(bisect));
        if (own.jobs != null) bisect.setJobs(own.jobs);
        if (own.againstGoldens) bisect.setAgainstGoldens(true);
        if (own.goldenDir != null) bisect.setGoldenDir(own.goldenDir);
        return bisect.call().exitCode();
    }
}
