package dev.losscompare.core.perf;

import java.math.BigDecimal;
import java.math.RoundingMode;
import java.util.Locale;

/** How performance numbers are written in verdict lines and table cells. */
public final class PerfText {
    private PerfText() {}

    /** "+4.2%", "-38.0%". */
    public static String percent(double fraction) {
        return String.format(Locale.ROOT, "%+.1f%%", fraction * 100);
    }

    /** "±2.1%". */
    public static String noise(double fraction) {
        return String.format(Locale.ROOT, "\u00b1%.1f%%", fraction * 100);
    }

    /** A threshold as the user wrote it: "10%". */
    public static String threshold(double fraction) {
        return String.format(Locale.ROOT, "%s%%", trim(fraction * 100));
    }

    /** A confidence level: "95%", "98.75%" (at most two decimals, none trailing). */
    public static String confidence(double level) {
        return new BigDecimal(level * 100).setScale(2, RoundingMode.HALF_EVEN).stripTrailingZeros().toPlainString() + "%";
    }

    public static String value(PerfQuantity q, double v) {
        return switch (q) {
            case THROUGHPUT -> String.format(Locale.ROOT, "%,.0f tokens/s", v);
            case STEP_TIME, CPU_TIME -> String.format(Locale.ROOT, "%,.1f ms", v);
            case MEMORY -> v >= 0.1 * (1L << 30) ? String.format(Locale.ROOT, "%.2f GiB", v / (1L << 30))
                    : String.format(Locale.ROOT, "%.1f MiB", v / (1L << 20));
            case TFLOPS -> String.format(Locale.ROOT, "%.2f TFLOP/s", v);
            case MFU -> String.format(Locale.ROOT, "%.2f%% MFU", v);
        };
    }

    public static String shortName(PerfQuantity q) {
        return switch (q) {
            case THROUGHPUT -> "tps";
            case STEP_TIME -> "step time";
            case CPU_TIME -> "cpu";
            case MEMORY -> "mem";
            case TFLOPS -> "tflops";
            case MFU -> "mfu";
        };
    }

    private static String trim(double v) {
        return v == Math.rint(v) ? String.valueOf((long) v) : String.valueOf(v);
    }
}
