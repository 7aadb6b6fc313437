package dev.losscompare.harness.cli;

import dev.losscompare.harness.api.SuiteVerb;
import java.nio.file.Path;
import java.util.List;
import picocli.CommandLine.Option;

/** A sign-off suite and a selection of its cases. */
public final class SuiteOptions {
    @Option(names = "--suite", paramLabel = "FILE", description = "Sign-off suite of model cases, e.g. configs/signoff.toml.")
    Path suite;

    @Option(names = "--cases", paramLabel = "LIST", description = "With --suite: run only these cases (comma-separated names).")
    String cases;

    <V extends SuiteVerb<V>> void applyTo(V verb) {
        if (suite != null) verb.setSuite(suite);
        if (cases != null) verb.setCases(List.of(cases.split(",", -1)));
    }
}
