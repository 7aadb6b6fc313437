package dev.losscompare.core.judge;

import com.fasterxml.jackson.annotation.JsonIgnore;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.util.Locale;

/**
 * How two values are compared, and the one place that rule lives:
 * <ul>
 * <li>{@code bitwise}: the same double bits (so -0.0 and 0.0 differ);</li>
 * <li>{@code tolerance}: |t-b| <= atol + rtol*|b|;</li>
 * <li>{@code decimals}: equal once both are rounded (half-even, like Python's "%.4f" of the exact
 *     binary value) to {@code decimals} places — the only honest comparison when a side was read
 *     from printed text.</li>
 * </ul>
 * Non-finite values match only when identical, and a NaN never matches outside bitwise mode.
 */
public record ComparisonMode(String kind, double atol, double rtol, int decimals) {
    public static final String BITWISE = "bitwise";
    public static final String TOLERANCE = "tolerance";
    public static final String DECIMALS = "decimals";

    public static ComparisonMode bitwise() {
        return new ComparisonMode(BITWISE, 0, 0, 0);
    }

    public static ComparisonMode tolerance(double atol, double rtol) {
        return new ComparisonMode(TOLERANCE, atol, rtol, 0);
    }

    public static ComparisonMode atDecimals(int decimals) {
        return new ComparisonMode(DECIMALS, 0, 0, decimals);
    }

    @JsonIgnore // derived from kind; not a field of comparison.json
    public boolean isBitwise() {
        return BITWISE.equals(kind);
    }

    /** Compared after rounding to {@code decimals} places (not named isDecimals: that would shadow the field in JSON). */
    @JsonIgnore
    public boolean isRounded() {
        return DECIMALS.equals(kind);
    }

    /** Whether a baseline value and a test value count as the same under this mode. */
    public boolean matches(double b, double t) {
        if (isBitwise()) return Double.doubleToRawLongBits(b) == Double.doubleToRawLongBits(t);
        if (!Double.isFinite(b) || !Double.isFinite(t)) return !Double.isNaN(b) && b == t;
        if (isRounded()) return rounded(b).compareTo(rounded(t)) == 0;
        return Math.abs(t - b) <= atol + rtol * Math.abs(b);
    }

    private BigDecimal rounded(double v) {
        return new BigDecimal(v).setScale(decimals, RoundingMode.HALF_EVEN);
    }

    /** "bitwise", "tolerance atol=1.0e-06 rtol=1.0e-04" or "at 4 decimals": how every output names this mode. */
    public String describe() {
        if (isBitwise()) return BITWISE;
        if (isRounded()) return "at " + decimals + " decimals";
        return TOLERANCE + " " + bounds();
    }

    /** How a PASS says the values agree: "identical", "equal at 4 decimals", "within atol=… rtol=…". */
    public String agreement() {
        if (isBitwise()) return "identical";
        if (isRounded()) return "equal at " + decimals + " decimals";
        return "within " + bounds();
    }

    /** "atol=1.0e-06 rtol=1.0e-04". */
    public String bounds() {
        return String.format(Locale.ROOT, "atol=%.1e rtol=%.1e", atol, rtol);
    }
}
