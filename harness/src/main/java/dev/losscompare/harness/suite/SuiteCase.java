package dev.losscompare.harness.suite;

import java.util.List;

/**
 * One model case of a sign-off: a name (its output folder), the trainer config (relative to each
 * revision's root) and options of its own. A plain two-revision comparison is one case whose name
 * is derived from the config's model and flavor ({@code name} null). {@code atol}/{@code rtol}
 * (null: the gate's defaults) apply when the gate runs in an environment other than the golden's.
 */
public record SuiteCase(String name, String config, List<String> options, Double atol, Double rtol) {
    public SuiteCase {
        options = options == null ? List.of() : List.copyOf(options);
    }

    public SuiteCase(String name, String config, List<String> options) {
        this(name, config, options, null, null);
    }
}
