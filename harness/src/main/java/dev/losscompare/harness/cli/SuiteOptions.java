package dev.losscompare.harness.cli;

import dev.losscompare.harness.Console;
import dev.losscompare.harness.UsageException;
import dev.losscompare.harness.suite.Suite;
import dev.losscompare.harness.suite.SuiteFile;
import java.nio.file.Path;
import picocli.CommandLine.Option;

/** A sign-off suite and a selection of its cases. */
public final class SuiteOptions {
    /** The suite gate (and bisect --against-goldens) use when none is given. */
    static final Path SIGNOFF = Path.of("configs/signoff.toml");

    @Option(names = "--suite", paramLabel = "FILE", description = "Sign-off suite of model cases, e.g. configs/signoff.toml.")
    Path suite;

    @Option(names = "--cases", paramLabel = "LIST", description = "With --suite: run only these cases (comma-separated names).")
    String cases;

    /** The suite file resolved against the working directory, or null when none was given. */
    Path file(Console console) {
        return suite == null ? null : console.cwd().resolve(suite);
    }

    /** The selected cases of the suite (every case without --cases). */
    Suite read(Console console) {
        if (suite == null) throw new IllegalStateException("no suite");
        Suite s = SuiteFile.readSuite(file(console));
        return s.withCases(SuiteFile.select(s.cases(), cases));
    }

    /** The sign-off suite when none was given. */
    void defaultToSignoff() {
        if (suite == null) suite = SIGNOFF;
    }

    void requireSuiteForCases() {
        if (cases != null && suite == null) throw new UsageException("--cases needs --suite=FILE");
    }
}
