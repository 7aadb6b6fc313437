package dev.losscompare.harness.cli;

import dev.losscompare.harness.Console;
import picocli.CommandLine.Command;

/**
 * The command tree's root. {@code ./loss_compare.sh BASELINE TEST [options]} (torchtitan's form)
 * is {@code compare}: {@link dev.losscompare.harness.Main} inserts the word when the first argument
 * names no subcommand.
 */
@Command(name = "loss_compare.sh", mixinStandardHelpOptions = true, versionProvider = Version.class,
        subcommands = {CompareCommand.class, GateCommand.class, ReportCommand.class, ExportCommand.class, DiffCommand.class,
                BisectCommand.class, CalibrateCommand.class},
        description = {"Signs off refactors of LLM training code: trains two git revisions identically and diffs",
                "their per-step loss and grad_norm. Exit: 0 every case matches, 1 some case differs, 2 could not decide."},
        synopsisHeading = "Usage: ", customSynopsis = {
                "loss_compare.sh BASELINE TEST [options]      (the same as: compare BASELINE TEST)",
                "       loss_compare.sh COMMAND [options]"},
        footer = {"", "Run loss_compare.sh COMMAND --help for a command's options. A revision named like a command is",
                "reached through compare: loss_compare.sh compare gate HEAD"})
public final class LossCompareCommand implements Runnable {
    private final Console console;

    public LossCompareCommand(Console console) {
        this.console = console;
    }

    Console console() {
        return console;
    }

    @Override
    public void run() {
        throw new picocli.CommandLine.ParameterException(new picocli.CommandLine(this), "name a command or two revisions");
    }
}
