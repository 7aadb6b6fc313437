package dev.losscompare.harness.cli;

import dev.losscompare.harness.api.Verb;
import java.nio.file.Path;
import picocli.CommandLine.Option;

/** Where the results go. */
public final class OutputOptions {
    @Option(names = "--output-folder", paramLabel = "DIR", description = "Where results go (default: ./loss_compare/<UTC time>-<base>-vs-<test>/).")
    Path outputFolder;

    <V extends Verb<V, ?>> V applyTo(V verb) {
        return outputFolder == null ? verb : verb.setOutputFolder(outputFolder);
    }
}
