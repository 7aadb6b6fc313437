package dev.losscompare.harness.cli;

import dev.losscompare.harness.UsageException;
import dev.losscompare.harness.api.Gate;
import dev.losscompare.harness.api.LossCompare;
import dev.losscompare.harness.api.UpdateGoldens;
import dev.losscompare.harness.gate.GoldenStore;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
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

    @Mixin SuiteOptions suite;
    @Mixin RepoOptions repo;
    @Mixin OutputOptions output;
    @Mixin TimeoutOptions timeouts;

    @Option(names = "--golden-dir", paramLabel = "DIR", description = "Where the goldens live (default: configs/golden).")
    Path goldenDir = GoldenStore.DEFAULT_DIR;

    @Option(names = "--update", description = "Record new goldens from the working tree and print what changed per case.")
    boolean update;

    @Option(names = "--strict", description = "An environment that differs from a golden's is an ERROR, not a tolerance comparison.")
    boolean strict;

    @Option(names = "--native-kernels", description = "Run with this machine's fastest kernels instead of the portable set "
            + "(the goldens' environment then differs, and cases compare within tolerance).")
    boolean nativeKernels;

    @Override
    public Integer call() throws Exception {
        LossCompare lc = repo.open(root.console());
        if (update) {
            if (strict) throw new UsageException("--strict applies to checking goldens, not to --update");
            UpdateGoldens record = lc.updateGoldens().setGoldenDir(goldenDir).setNativeKernels(nativeKernels);
            suite.applyTo(record);
            timeouts.applyTo(output.applyTo(record));
            return record.call().exitCode();
        }
        Gate gate = lc.gate().setGoldenDir(goldenDir).setStrict(strict).setNativeKernels(nativeKernels);
        suite.applyTo(gate);
        timeouts.applyTo(output.applyTo(gate));
        return gate.call().exitCode();
    }
}
