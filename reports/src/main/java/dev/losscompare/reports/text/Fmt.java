package dev.losscompare.reports.text;

import java.util.Locale;

/**
 * Number and duration formatting shared by every output. Always {@link Locale#ROOT}: a report
 * rendered on a German machine must have the same bytes as one rendered on an English one.
 */
public final class Fmt {
    private Fmt() {}

    /** A metric value exactly as read (shortest text that reads back to the same double). */
    public static String value(Double v) {
        if (v == null) return "—";
        if (v == Math.rint(v) && Math.abs(v) < 1e15) return Long.toString(v.longValue());
        return Double.toString(v).replace("E", "e");
    }

    /** A difference or statistic: 4 significant digits, scientific; 0 stays "0". */
    public static String sci(double v) {
        if (Double.isNaN(v)) return "NaN";
        if (Double.isInfinite(v)) return v > 0 ? "inf" : "-inf";
        if (v == 0) return "0";
        return String.format(Locale.ROOT, "%.3e", v);
    }

    /** Like {@link #sci} but "—" for a missing or NaN statistic (an ERROR row has none). */
    public static String stat(Double v) {
        return v == null || Double.isNaN(v) ? "—" : sci(v);
    }

    /** The first 10 characters of a commit id, or "—". */
    public static String shortId(String commitId) {
        if (commitId == null || commitId.isBlank()) return "—";
        return commitId.length() > 10 ? commitId.substring(0, 10) : commitId;
    }

    /** Seconds for XML attributes: plain decimal, 3 places, never scientific. */
    public static String xmlSeconds(Double s) {
        if (s == null || Double.isNaN(s) || s < 0) return "0.000";
        return String.format(Locale.ROOT, "%.3f", s);
    }
}
