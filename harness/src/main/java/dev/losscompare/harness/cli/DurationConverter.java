package dev.losscompare.harness.cli;

import dev.losscompare.core.text.Durations;
import java.time.Duration;
import picocli.CommandLine;

/** "90s", "30m", "1h30m", "500ms", or a bare number of seconds (the rule: {@link Durations#parse}). */
public final class DurationConverter implements CommandLine.ITypeConverter<Duration> {
    @Override
    public Duration convert(String value) {
        return parse(value);
    }

    public static Duration parse(String value) {
        try {
            return Durations.parse(value);
        } catch (IllegalArgumentException e) {
            throw new CommandLine.TypeConversionException(e.getMessage());
        }
    }
}
