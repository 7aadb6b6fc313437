package dev.losscompare.domain;

/** How two series were compared: {@code bitwise}, or {@code tolerance} with |t-b| <= atol + rtol*|b|. */
public record ComparisonMode(String kind, double atol, double rtol) {
    public static ComparisonMode bitwise() {
        return new ComparisonMode("bitwise", 0, 0);
    }

    public static ComparisonMode tolerance(double atol, double rtol) {
        return new ComparisonMode("tolerance", atol, rtol);
    }

    public boolean isBitwise() {
        return "bitwise".equals(kind);
    }
}
