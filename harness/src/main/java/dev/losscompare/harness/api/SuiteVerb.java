package dev.losscompare.harness.api;

import java.nio.file.Path;
import java.util.List;

/** A command that runs a suite's cases (compare, gate, gate --update, bisect): the command line's Suite options. */
public interface SuiteVerb<SELF> {
    SELF setSuite(Path file);

    SELF setCases(List<String> names);
}
