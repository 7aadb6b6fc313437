package dev.losscompare.core.judge;

import java.util.Locale;

/** Number formats of the console output. */
public final class Numbers {
    private Numbers() {}

    /** Two significant digits in scientific notation without exponent padding: 3.1e-3, 0, inf. */
    public static String sci(double x) {
        if (x == 0) return "0";
        if (Double.isNaN(x)) return "NaN";
        if (Double.isInfinite(x)) return x > 0 ? "inf" : "-inf";
        String s = String.format(Locale.ROOT, "%.1e", x);    // 3.1e-03
        int e = s.indexOf('e');
        String mantissa = s.substring(0, e);
        int exponent = Integer.parseInt(s.substring(e + 1));
        return mantissa + "e" + exponent;
    }

    /** A value as the trainer wrote it (shortest repr that reads back to the same double). */
    public static String exact(Double x) {
        return x == null ? "-" : Double.toString(x);
    }

    /** A multiple of the band: 0.4, 2.5, 37, 1.2e3 (two significant digits), inf. */
    public static String multiple(double x) {
        if (Double.isInfinite(x)) return "inf";
        if (x < 10) return String.format(Locale.ROOT, "%.1f", x).replaceAll("\\.0$", "");
        if (x < 1000) return String.valueOf(Math.round(x));
        return sci(x);
    }
}
