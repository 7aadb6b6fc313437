package dev.losscompare.core.text;

import java.time.Duration;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * How a span of time reads, everywhere (a time limit in a message, a probe's time on the console,
 * a run's wall time in the report): "0.84 s" and "2 s" under ten seconds, "22 s" under a minute,
 * "4 min 05 s" under an hour, "1 h 02 min" beyond. One rule, so the same time never reads two ways.
 */
public final class Durations {
    private static final Pattern PART = Pattern.compile("(\\d+)(ms|s|m|h)");

    private Durations() {}

    /**
     * "90s", "30m", "1h30m", "500ms", or a bare number of seconds (a --timeout, a suite's
     * time_limit); more than zero. Anything else is an IllegalArgumentException saying so.
     */
    public static Duration parse(String value) {
        String v = value.strip().toLowerCase(Locale.ROOT);
        if (v.matches("\\d+")) return positive(Duration.ofSeconds(Long.parseLong(v)), value);
        Matcher m = PART.matcher(v);
        Duration total = Duration.ZERO;
        int end = 0;
        while (m.find() && m.start() == end) {
            long n = Long.parseLong(m.group(1));
            total = total.plus(switch (m.group(2)) {
                case "ms" -> Duration.ofMillis(n);
                case "s" -> Duration.ofSeconds(n);
                case "m" -> Duration.ofMinutes(n);
                default -> Duration.ofHours(n);
            });
            end = m.end();
        }
        if (end != v.length() || end == 0) throw new IllegalArgumentException("'" + value + "' is not a duration (e.g. 90s, 30m, 1h30m)");
        return positive(total, value);
    }

    private static Duration positive(Duration d, String value) {
        if (d.isZero()) throw new IllegalArgumentException("'" + value + "': the timeout must be more than zero");
        return d;
    }

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
