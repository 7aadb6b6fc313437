package dev.losscompare.core.judge;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonIgnore;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.annotation.JsonValue;
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
 *     from printed text;</li>
 * <li>{@code noise}: per step, |t-b| <= margin × band, the band measured for that metric and step
 *     by calibration ({@link NoiseBand}); where the band is 0 the values must be bitwise equal.</li>
 * </ul>
 * Non-finite values match only when identical, and a NaN never matches outside bitwise mode.
 */
public record ComparisonMode(Kind kind, double atol, double rtol, int decimals,
                             // named explicitly: the ignored isNoise() would otherwise hide the band from comparison.json
                             @JsonProperty("noise") @JsonInclude(JsonInclude.Include.NON_NULL) NoiseBand noise) {
    /** The four ways; comparison.json and every output name them by {@link #word()}. */
    public enum Kind {
        BITWISE("bitwise"), TOLERANCE("tolerance"), DECIMALS("decimals"), NOISE("noise");

        private final String word;

        Kind(String word) {
            this.word = word;
        }

        @JsonValue
        public String word() {
            return word;
        }

        @JsonCreator
        public static Kind of(String word) {
            for (Kind k : values()) if (k.word.equals(word)) return k;
            throw new IllegalArgumentException("unknown comparison mode '" + word + "'");
        }
    }

    /** A mode without a noise band (every mode but noise). */
    public ComparisonMode(Kind kind, double atol, double rtol, int decimals) {
        this(kind, atol, rtol, decimals, null);
    }

    public static ComparisonMode bitwise() {
        return new ComparisonMode(Kind.BITWISE, 0, 0, 0);
    }

    public static ComparisonMode tolerance(double atol, double rtol) {
        return new ComparisonMode(Kind.TOLERANCE, atol, rtol, 0);
    }

    public static ComparisonMode atDecimals(int decimals) {
        return new ComparisonMode(Kind.DECIMALS, 0, 0, decimals);
    }

    /** Judged against measured noise: {@code band} says how much each step may move. */
    public static ComparisonMode noise(NoiseBand band) {
        return new ComparisonMode(Kind.NOISE, 0, 0, 0, band);
    }

    @JsonIgnore
    public boolean isNoise() {
        return kind == Kind.NOISE;
    }

    @JsonIgnore // derived from kind; not a field of comparison.json
    public boolean isBitwise() {
        return kind == Kind.BITWISE;
    }

    /** Compared after rounding to {@code decimals} places (not named isDecimals: that would shadow the field in JSON). */
    @JsonIgnore
    public boolean isRounded() {
        return kind == Kind.DECIMALS;
    }

    /**
     * Whether a baseline value and a test value of {@code metric} at {@code step} count as the same.
     * In noise mode a step the band does not cover never matches (the judge reports it as missing
     * noise data before it gets here).
     */
    public boolean matches(String metric, int step, double b, double t) {
        if (!isNoise()) return matches(b, t);
        Double band = noise.band(metric, step);
        if (band == null) return false;
        if (band == 0) return Double.doubleToRawLongBits(b) == Double.doubleToRawLongBits(t);
        if (!Double.isFinite(b) || !Double.isFinite(t)) return !Double.isNaN(b) && b == t;
        return Math.abs(t - b) <= noise.margin() * band;
    }

    /** Whether a baseline value and a test value count as the same under this mode (any mode but noise, which is per step). */
    public boolean matches(double b, double t) {
        if (isNoise()) throw new IllegalStateException("noise mode compares per metric and step: use matches(metric, step, b, t)");
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
        if (isNoise()) return "within noise (" + noise.marginText() + ", " + noise.source() + ")";
        if (isBitwise()) return Kind.BITWISE.word();
        if (isRounded()) return "at " + decimals + " decimals";
        return Kind.TOLERANCE.word() + " " + bounds();
    }

    /**
     * How a PASS says the values agree: "identical", "equal at 4 decimals", "within atol=… rtol=…";
     * in noise mode it depends on the values ({@link #agreement(double, double)}).
     */
    public String agreement() {
        if (isNoise()) return "within noise";
        if (isBitwise()) return "identical";
        if (isRounded()) return "equal at " + decimals + " decimals";
        return "within " + bounds();
    }

    /**
     * A metric's agreement given its largest deviation and largest multiple of the band: in noise
     * mode "identical" (bitwise) or "within noise (0.4× the measured noise)"; else {@link #agreement()}.
     */
    public String agreement(double maxAbsDiff, Double noiseMultiple) {
        if (!isNoise() || noiseMultiple == null) return agreement();
        if (maxAbsDiff == 0) return "identical";
        return "within noise (" + Numbers.multiple(noiseMultiple) + "\u00d7 the measured noise)";
    }

    /** "atol=1.0e-06 rtol=1.0e-04". */
    public String bounds() {
        return String.format(Locale.ROOT, "atol=%.1e rtol=%.1e", atol, rtol);
    }
}
