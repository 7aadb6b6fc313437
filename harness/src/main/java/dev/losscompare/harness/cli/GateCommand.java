package dev.losscompare.harness.cli;

import dev.losscompare.harness.UsageException;
import dev.losscompare.harness.api.Gate;
import dev.losscompare.harness.api.Calibrate;
import dev.losscompare.harness.api.LossCompare;
import dev.losscompare.harness.api.UpdateGoldens;
import dev.losscompare.harness.gate.GoldenStore;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;

/**
 * {@code loss_compare gate [--update] [--strict]}: the working tree's suite cases against their
 * golden series, with the suite's [gate] settings and the portable kernel set (so goldens recorded
 * on one machine compare bitwise on another). Where the environment still differs, the case's
 * tolerance applies and every output says so; --strict makes that an ERROR instead.
 */
@Command(name = "gate", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Compare the working tree's suite cases with their golden series (configs/golden/<case>.json); "
                + "--update re-records the goldens.", "Exit: 0 all match, 1 a difference, 2 could not decide."})
public final class GateCommand implements Callable<Integer> {
    @ParentCommand
    LossCompareCommand root;

    @ArgGroup(validate = false, heading = Sections.WHAT, order = 1) SuiteOptions suite = new SuiteOptions();
    @ArgGroup(validate = false, heading = Sections.NOISE, order = 5) NoiseOptions noise = new NoiseOptions();
    @ArgGroup(validate = false, heading = Sections.REPOSITORY, order = 11) RepoOptions repo = new RepoOptions();
    @ArgGroup(validate = false, heading = Sections.OUTPUT, order = 12) OutputOptions output = new OutputOptions();
    @ArgGroup(validate = false, heading = Sections.RUNS, order = 10) TimeoutOptions timeouts = new TimeoutOptions();
    @ArgGroup(validate = false, heading = Sections.CLUSTER, order = 9) LauncherOptions launcher = new LauncherOptions();
    @ArgGroup(validate = false, heading = Sections.PERFORMANCE, order = 6) PerfOptions perf = new PerfOptions();
    @ArgGroup(validate = false, heading = Sections.ENVIRONMENTS, order = 8) EnvironmentOptions environments = new EnvironmentOptions();

    @ArgGroup(validate = false, heading = Sections.GOLDENS, order = 0) Own own = new Own();
    @ArgGroup(validate = false, heading = Sections.JUDGING, order = 4) Judging judging = new Judging();

    /** The options only gate takes: a --help section of their own, first. */
    static final class Own {
        @Option(names = "--golden-dir", paramLabel = "DIR", description = "Where the goldens live (default: configs/golden).")
        Path goldenDir = GoldenStore.DEFAULT_DIR;

        @Option(names = "--update", description = "Record new goldens from the working tree and print what changed per case.")
        boolean update;

        @Option(names = "--calibrate", description = "With --update: also calibrate each case's noise envelope (beside the goldens, "
                + "configs/noise/<case>.json; or into --noise=DIR), used where the environment differs from a golden's.")
        boolean calibrate;

        @Option(names = "--runs", paramLabel = "K", description = "With --calibrate: perturbed runs per case (default: " + Calibrate.DEFAULT_RUNS + ").")
        Integer runs;

        @Option(names = "--held-out", paramLabel = "N", description = "With --calibrate: held-out runs per case, which measure the margin"
                + " (default: " + Calibrate.DEFAULT_HELD_OUT + ").")
        Integer heldOut;

        @Option(names = "--native-kernels", description = "Run with this machine's fastest kernels instead of the portable set "
                + "(the goldens' environment then differs, and cases compare within tolerance).")
        boolean nativeKernels;
    }

    /** How the working tree is judged against the goldens: under Judging, as compare's judge options are. */
    static final class Judging {
        @Option(names = "--metrics", paramLabel = "LIST", description = "Metrics to compare with the goldens (default: loss,grad_norm).")
        String metrics;

        @Option(names = "--strict", description = "An environment that differs from a golden's is an ERROR, not a tolerance comparison.")
        boolean strict;
    }

    @Override
    public Integer call() throws Exception {
        if (own.calibrate && !own.update) throw new UsageException("--calibrate records envelopes with the goldens: use gate --update --calibrate");
        if (own.runs != null && !own.calibrate) throw new UsageException("--runs counts the perturbed runs of --calibrate: use gate --update --calibrate --runs=K");
        if (own.heldOut != null && !own.calibrate) {
            throw new UsageException("--held-out counts the held-out runs of --calibrate: use gate --update --calibrate --held-out=N");
        }
        LossCompare lc = launcher.open(root.console(), repo);
        if (own.update) {
            if (environments.baseline != null || environments.test != null) {
                throw new UsageException("--baseline-env and --test-env apply to checking goldens, not to --update (goldens are recorded"
                        + " in this process's environment)");
            }
            if (judging.strict) throw new UsageException("--strict applies to checking goldens, not to --update");
            if (noise.margin != null) throw new UsageException("--noise-margin applies to checking goldens, not to --update");
            if (judging.metrics != null) throw new UsageException("--metrics applies to checking goldens, not to --update (a golden records loss and grad_norm)");
            if (noise.noise != null && !own.calibrate) {
                throw new UsageException("--noise with --update names where --calibrate writes the envelopes: add --calibrate, or drop --noise");
            }
            UpdateGoldens record = lc.updateGoldens().setGoldenDir(own.goldenDir).setNativeKernels(own.nativeKernels);
            suite.applyTo(record);
            if (own.calibrate) record.setCalibrate(own.runs != null ? own.runs : Calibrate.DEFAULT_RUNS, noise.noise);
            if (own.heldOut != null) record.setHeldOut(own.heldOut);
            perf.applyToUpdate(record);
            timeouts.applyTo(output.applyTo(record));
            return record.call().exitCode();
        }
        Gate gate = lc.gate().setGoldenDir(own.goldenDir).setStrict(judging.strict).setNativeKernels(own.nativeKernels);
        if (judging.metrics != null) gate.setMetrics(JudgeOptions.metricList(judging.metrics));
        suite.applyTo(gate);
        noise.applyTo(gate);
        perf.applyTo(gate);
        environments.applyTo(gate);
        timeouts.applyTo(output.applyTo(gate));
        return gate.call().exitCode();
    }
}
