package dev.losscompare.core.perf;

import java.util.function.UnaryOperator;

/**
 * The maximum slowdown and memory growth as fractions (0.10 for 10%), each null when not given.
 * A slowdown is the fall of throughput (tokens/s), or the rise of the step time where a source
 * has no throughput (Megatron's iteration-time).
 */
public record PerfThresholds(Double maxSlowdown, Double maxMemoryGrowth) {
    public static final PerfThresholds NONE = new PerfThresholds(null, null);

    public PerfThresholds {
        check("a maximum slowdown", maxSlowdown);
        check("a maximum memory growth", maxMemoryGrowth);
    }

    public boolean any() {
        return maxSlowdown != null || maxMemoryGrowth != null;
    }

    /**
     * A percentage as given on the command line or in a suite (the one rule for both): "10%" and
     * "10" both mean 0.10. A bare number between 0 and 1 is refused: "0.1" may mean a tenth of a
     * percent or a fraction (10%), so it must carry its "%".
     */
    public static Double parsePercent(String option, String text) {
        return parsePercent(value -> option + "=" + value, text);
    }

    /** The same, for a caller whose user writes the setting otherwise: {@code written} gives "--max-slowdown=10%", "setMaxSlowdown(10%)". */
    public static Double parsePercent(UnaryOperator<String> written, String text) {
        if (text == null) return null;
        String t = text.strip();
        boolean bare = !t.endsWith("%");
        if (!bare) t = t.substring(0, t.length() - 1).strip();
        double p;
        try {
            p = Double.parseDouble(t);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(written.apply("'" + text + "'") + " is not a percentage (e.g. " + written.apply("10%") + ")");
        }
        if (!(p >= 0) || Double.isInfinite(p)) {
            throw new IllegalArgumentException(written.apply("'" + text + "'") + " must be a percentage >= 0 (e.g. " + written.apply("10%") + ")");
        }
        if (bare && p > 0 && p < 1) {
            throw new IllegalArgumentException(written.apply(text.strip()) + " is ambiguous: a bare number is a percentage, so it means "
                    + text.strip() + "%, but a fraction would mean " + PerfText.threshold(p) + "; write " + written.apply(text.strip() + "%")
                    + " or " + written.apply(PerfText.threshold(p)));
        }
        return p / 100;
    }

    private static void check(String name, Double v) {
        if (v != null && !(v >= 0 && Double.isFinite(v))) throw new IllegalArgumentException(name + " must be >= 0");
    }
}
