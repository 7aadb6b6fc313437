package dev.losscompare.harness.cli;

import dev.losscompare.harness.UsageException;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code loss_compare.sh gate}: parsed now so scripts can name it; the golden-series gate comes later. */
@Command(name = "gate", mixinStandardHelpOptions = true,
        description = "Compare the working tree with golden series (not available yet).")
public final class GateCommand implements Callable<Integer> {
    @Option(names = "--suite", paramLabel = "FILE")
    Path suite;

    @Option(names = "--update")
    boolean update;

    @Override
    public Integer call() {
        throw new UsageException("gate is not available yet: golden series and the result cache are still to come");
    }
}
