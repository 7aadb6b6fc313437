package dev.losscompare.harness.cli;

import dev.losscompare.harness.Console;
import dev.losscompare.harness.UsageException;
import dev.losscompare.reports.ReportWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;

/** {@code loss_compare report DIR}: re-renders every output of a saved folder, no training. */
@Command(name = "report", mixinStandardHelpOptions = true,
        description = "Re-render report.html, junit.xml, summary.md and comparison.json from a saved output folder.")
public final class ReportCommand implements Callable<Integer> {
    @ParentCommand
    LossCompareCommand root;

    @Parameters(index = "0", paramLabel = "DIR", description = "An output folder of an earlier comparison.")
    Path dir;

    @Override
    public Integer call() throws Exception {
        Console console = root.console();
        Path folder = console.cwd().resolve(dir);
        if (!Files.isRegularFile(folder.resolve("comparison.json"))) {
            throw new UsageException(UsageException.Reason.FILE, "no comparison.json in " + folder + " (not a loss_compare output folder, or the run did not finish;"
                    + " to compare a revision named 'report', use: loss_compare.sh compare report " + dir + ")");
        }
        Path report = ReportWriter.rerender(folder);
        console.out().println("report: " + console.show(report));
        return 0;
    }
}
