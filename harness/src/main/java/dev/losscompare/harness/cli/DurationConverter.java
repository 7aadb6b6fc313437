package dev.losscompare.harness.cli;

import java.time.Duration;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import picocli.CommandLine;

/** "90s", "30m", "1h30m", "500ms", or a bare number of seconds. */
public final class DurationConverter implements CommandLine.ITypeConverter<Duration> {
    private static final Pattern PART = Pattern.compile("(\\d+)(ms|s|m|h)");

    @Override
    public Duration convert(String value) {
        return parse(value);
    }

    public static Duration parse(String value) {
        String v = value.strip().toLowerCase();
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
        if (end != v.length() || end == 0) {
            throw new CommandLine.TypeConversionException("'" + value + "' is not a duration (e.g. 90s, 30m, 1h30m)");
        }
        return positive(total, value);
    }

    private static Duration positive(Duration d, String value) {
        if (d.isZero()) throw new CommandLine.TypeConversionException("'" + value + "': the timeout must be more than zero");
        return d;
    }
}
