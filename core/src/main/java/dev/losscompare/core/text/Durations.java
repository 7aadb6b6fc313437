package dev.losscompare.core.text;

import java.time.Duration;
import java.util.Locale;

/**
 * How a span of time reads, everywhere (a time limit in a message, a probe's time on the console,
 * a run's wall time in the report): "0.84 s" and "2 s" under ten seconds, "22 s" under a minute,
 * "4 min 05 s" under an hour, "1 h 02 min" beyond. One rule, so the same time never reads two ways.
 */
public final class Durations {
    private Durations() {}

    /** A limit or measured time; null reads "—" (not known). */
    public static String human(Duration d) {
        return d == null ? "—" : human(d.toMillis() / 1000.0);
    }

    /** {@code seconds} as the rule above says; null or NaN reads "—". */
    public static String human(Double seconds) {
        if (seconds == null || Double.isNaN(seconds)) return "—";
        double s = seconds;
        if (s < 10) return s == Math.rint(s) ? (long) s + " s" : String.format(Locale.ROOT, "%.2f s", s);
        long t = Math.round(s);
        if (t < 60) return t + " s";
        if (t < 3600) return String.format(Locale.ROOT, "%d min %02d s", t / 60, t % 60);
        return String.format(Locale.ROOT, "%d h %02d min", t / 3600, (t % 3600) / 60);
    }
}
