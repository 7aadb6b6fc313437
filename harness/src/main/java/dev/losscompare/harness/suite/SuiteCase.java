package dev.losscompare.harness.suite;

import java.util.List;

/**
 * One model case of a sign-off: a name (its output folder), the trainer config (relative to each
 * revision's root) and options of its own. A plain two-revision comparison is one case whose name
 * is derived from the config's model and flavor ({@code name} null).
 */
public record SuiteCase(String name, String config, List<String> options) {
    public SuiteCase {
        options = options == null ? List.of() : List.copyOf(options);
    }
}
