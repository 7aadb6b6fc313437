package dev.losscompare.domain;

import java.util.Locale;

/**
 * How two values are compared, and the one place that rule lives: {@code bitwise} (the same
 * double bits, so -0.0 and 0.0 differ) or {@code tolerance} (|t-b| <= atol + rtol*|b|).
 * Non-finite values match only when bitwise identical, and a NaN never matches in tolerance mode.
 */
public record ComparisonMode(String kind, double atol, double rtol) {
    public static final String BITWISE = "bitwise";
    public static final String TOLERANCE = "tolerance";

    public static ComparisonMode bitwise() {
        return new ComparisonMode(BITWISE, 0, 0);
    }

    public static ComparisonMode tolerance(double atol, double rtol) {
        return new ComparisonMode(TOLERANCE, atol, rtol);
    }

    public boolean isBitwise() {
        return BITWISE.equals(kind);
    }

    /** Whether a baseline value and a test value count as the same under this mode. */
    public boolean matches(double b, double t) {
        if (isBitwise()) return Double.doubleToRawLongBits(b) == Double.doubleToRawLongBits(t);
        if (!Double.isFinite(b) || !Double.isFinite(t)) return !Double.isNaN(b) && b == t;
        return Math.abs(t - b) <= atol + rtol * Math.abs(b);
    }

    /** "bitwise" or "tolerance atol=1.0e-06 rtol=1.0e-04": how every output names this mode. */
    public String describe() {
        return isBitwise() ? BITWISE : TOLERANCE + " " + bounds();
    }

    /** "atol=1.0e-06 rtol=1.0e-04". */
    public String bounds() {
        return String.format(Locale.ROOT, "atol=%.1e rtol=%.1e", atol, rtol);
    }
}
