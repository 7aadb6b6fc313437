package dev.losscompare.harness.suite;

import dev.losscompare.core.judge.Role;
import java.util.List;

/**
 * One model case of a sign-off: a name (its output folder), the trainer config (relative to each
 * revision's root) and options of its own. A plain two-revision comparison is one case whose name
 * is derived from the config's model and flavor ({@code name} null).
 * <ul>
 * <li>{@code atol}/{@code rtol} (null: none of its own) apply where the case cannot be bitwise by
 *     construction: the gate in an environment other than the golden's, or a comparison whose two
 *     sides run different rank counts (a parity case);</li>
 * <li>{@code sides}: per side, the rank count (null: 1, or --ngpus) and options of that side only
 *     (after the case's own options).</li>
 * <li>{@code resumeAt}: the step K of the case's resume check (null: none; see harness.resume).</li>
 * </ul>
 */
public record SuiteCase(String name, String config, List<String> options, Double atol, Double rtol, Sides sides, Integer resumeAt) {
    /** What differs between the baseline and the test side of one case. */
    public record Sides(Integer baselineNgpus, Integer testNgpus, List<String> baselineOptions, List<String> testOptions) {
        public static final Sides SAME = new Sides(null, null, List.of(), List.of());

        public Sides {
            baselineOptions = List.copyOf(baselineOptions);
            testOptions = List.copyOf(testOptions);
        }

        public Integer ngpus(Role role) {
            return switch (role) {
                case BASELINE -> baselineNgpus;
                case TEST -> testNgpus;
            };
        }

        public List<String> options(Role role) {
            return switch (role) {
                case BASELINE -> baselineOptions;
                case TEST -> testOptions;
            };
        }
    }

    public SuiteCase {
        options = options == null ? List.of() : List.copyOf(options);
        sides = sides == null ? Sides.SAME : sides;
    }

    public SuiteCase(String name, String config, List<String> options, Double atol, Double rtol, Sides sides) {
        this(name, config, options, atol, rtol, sides, null);
    }

    public SuiteCase(String name, String config, List<String> options, Double atol, Double rtol) {
        this(name, config, options, atol, rtol, Sides.SAME);
    }

    public SuiteCase(String name, String config, List<String> options) {
        this(name, config, options, null, null, Sides.SAME);
    }
}
