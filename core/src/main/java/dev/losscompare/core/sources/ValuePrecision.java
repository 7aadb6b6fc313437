package dev.losscompare.core.sources;

/**
 * How precisely a source holds a metric's values: exactly (the binary value the trainer
 * computed: our metrics file, TensorBoard's float32/float64 fields), or rounded to a number of
 * decimals (text logs print "%.4f"; Megatron's golden values are rounded to 5). A judge comparing
 * an exact series with a rounded one can only compare at the rounded one's decimals.
 */
public record ValuePrecision(Integer decimals) {
    private static final ValuePrecision EXACT = new ValuePrecision(null);

    public ValuePrecision {
        if (decimals != null && decimals < 0) throw new IllegalArgumentException("decimals < 0: " + decimals);
    }

    public static ValuePrecision exact() {
        return EXACT;
    }

    public static ValuePrecision decimals(int decimals) {
        return new ValuePrecision(decimals);
    }

    public boolean isExact() {
        return decimals == null;
    }

    /** The coarser of two precisions (what two series can be compared at). */
    public ValuePrecision coarser(ValuePrecision other) {
        if (isExact()) return other;
        if (other.isExact()) return this;
        return decimals <= other.decimals ? this : other;
    }

    @Override
    public String toString() {
        return isExact() ? "exact" : decimals + " decimals";
    }
}
