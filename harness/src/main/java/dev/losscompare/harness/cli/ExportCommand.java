package dev.losscompare.harness.cli;

import dev.losscompare.harness.api.Export;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;

/** {@code loss_compare export REVISION FILE}: trains one revision and writes its losses as "step loss" lines. */
@Command(name = "export", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Train one revision and write its losses as torchtitan's \"step loss\" lines "
                + "(compare them later with: compare TEST --import-result=FILE).", "Exit: 0 written, 2 could not train."})
public final class ExportCommand implements Callable<Integer> {
    @ParentCommand
    LossCompareCommand root;

    @Parameters(index = "0", paramLabel = "REVISION", description = "The revision to train.")
    String revision;

    @Parameters(index = "1", paramLabel = "FILE", description = "The loss file to write.")
    Path file;

    @ArgGroup(validate = false, heading = Sections.TRAINING, order = 2) TrainingOptions training = new TrainingOptions();
    @ArgGroup(validate = false, heading = Sections.REPOSITORY, order = 11) RepoOptions repo = new RepoOptions();
    @ArgGroup(validate = false, heading = Sections.OUTPUT, order = 12) OutputOptions output = new OutputOptions();
    @ArgGroup(validate = false, heading = Sections.RUNS, order = 10) TimeoutOptions timeouts = new TimeoutOptions();
    @ArgGroup(validate = false, heading = Sections.CLUSTER, order = 9) LauncherOptions launcher = new LauncherOptions();

    @Override
    public Integer call() throws Exception {
        Export export = training.applyTo(launcher.open(root.console(), repo).export(revision, file), List.of());
        output.applyTo(export);
        timeouts.applyTo(export);
        return export.call().exitCode();
    }
}
