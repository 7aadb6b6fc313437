package dev.losscompare.harness.cli;

import dev.losscompare.harness.Console;
import java.nio.file.Path;
import picocli.CommandLine.Option;

/** Where the results go. */
public final class OutputOptions {
    @Option(names = "--output-folder", paramLabel = "DIR", description = "Where results go (default: ./loss_compare/<UTC time>-<base>-vs-<test>/).")
    Path outputFolder;

    Path folder(Console console) {
        return outputFolder == null ? null : console.cwd().resolve(outputFolder);
    }
}
