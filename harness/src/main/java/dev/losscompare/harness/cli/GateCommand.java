package dev.losscompare.harness.cli;

import dev.losscompare.harness.Console;
import dev.losscompare.harness.GateRun;
import dev.losscompare.harness.suite.Suite;
import dev.losscompare.harness.suite.SuiteFile;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;

/** {@code loss_compare.sh gate [--update]}: the working tree's suite cases against their golden series. */
@Command(name = "gate", mixinStandardHelpOptions = true,
        description = "Compare the working tree's suite cases with their golden series (configs/golden/<case>.json); "
                + "--update rewrites the goldens. Exit: 0 all match, 1 a difference, 2 could not decide.")
public final class GateCommand implements Callable<Integer> {
    @ParentCommand
    CompareCommand parent;

    @Option(names = "--suite", paramLabel = "FILE", description = "Suite file (default: configs/signoff.toml).")
    Path suite = Path.of("configs/signoff.toml");

    @Option(names = "--cases", paramLabel = "LIST", description = "Only these cases (comma-separated names).")
    String cases;

    @Option(names = "--golden-dir", paramLabel = "DIR", description = "Where the goldens live (default: configs/golden).")
    Path goldenDir = Path.of("configs/golden");

    @Option(names = "--update", description = "Record new goldens from the working tree and print what changed.")
    boolean update;

    @Option(names = "--no-cache", description = "Train every case even if an identical run is in the result cache.")
    boolean noCache;

    @Option(names = "--output-folder", paramLabel = "DIR", description = "Where results go (default: ./loss_compare/<UTC time>-golden-vs-working-tree/).")
    Path outputFolder;

    @Option(names = "--timeout", paramLabel = "DURATION", converter = DurationConverter.class,
            description = "Stop a run that takes longer (e.g. 90s, 30m).")
    Duration timeout;

    @Override
    public Integer call() throws Exception {
        Console console = parent.console();
        Path cwd = console.cwd();
        Suite s = SuiteFile.readSuite(cwd.resolve(suite));
        return new GateRun(console).run(new GateRun.Request(cwd.resolve(suite), SuiteFile.select(s.cases(), cases), s.gate(),
                cwd.resolve(goldenDir), update, outputFolder == null ? null : cwd.resolve(outputFolder),
                parent.cacheDirectory(), timeout, !noCache));
    }
}
