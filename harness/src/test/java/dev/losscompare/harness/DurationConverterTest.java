package dev.losscompare.harness;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.losscompare.harness.cli.DurationConverter;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

class DurationConverterTest {
    @Test
    void readsUnitsAndCombinations() {
        assertEquals(Duration.ofSeconds(90), DurationConverter.parse("90s"));
        assertEquals(Duration.ofMinutes(30), DurationConverter.parse("30m"));
        assertEquals(Duration.ofMinutes(90), DurationConverter.parse("1h30m"));
        assertEquals(Duration.ofMillis(500), DurationConverter.parse("500ms"));
        assertEquals(Duration.ofSeconds(45), DurationConverter.parse("45"));
    }

    @Test
    void rejectsWhatIsNotADuration() {
        for (String bad : new String[] {"", "m", "10x", "1.5h", "-5s", "0s", "30m junk"}) {
            assertThrows(CommandLine.TypeConversionException.class, () -> DurationConverter.parse(bad), bad);
        }
    }
}
