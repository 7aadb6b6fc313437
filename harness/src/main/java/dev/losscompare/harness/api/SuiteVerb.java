package dev.losscompare.harness.api;

import java.nio.file.Path;
import java.util.List;

/** A command that runs a suite's cases (compare, gate, gate --update, bisect, calibrate): the command line's Suite options. */
public interface SuiteVerb<SELF> extends SettingsVerb {
    /** --suite: a sign-off suite of model cases (then --config is not used: each case names its own). */
    default SELF setSuite(Path file) {
        settings().suite.file(file);
        return VerbSettings.self(this);
    }

    /** --cases: with a suite, only these cases. */
    default SELF setCases(List<String> names) {
        settings().suite.cases(names);
        return VerbSettings.self(this);
    }
}
