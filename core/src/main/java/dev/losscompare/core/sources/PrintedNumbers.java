package dev.losscompare.core.sources;

import dev.losscompare.core.series.UnreadableSeriesException;
import java.nio.file.Path;
import java.util.Map;

/** Numbers read from printed text: the value, and how many decimals it was printed with. */
final class PrintedNumbers {
    private PrintedNumbers() {}

    /** Parses a printed number (Python prints nan, inf, -inf) and records the fewest decimals seen for the metric. */
    static double parse(Path file, int lineNo, String metric, String text, Map<String, Integer> decimals) {
        switch (text) {
            case "nan", "NaN", "-nan" -> { return Double.NaN; }
            case "inf", "Infinity" -> { return Double.POSITIVE_INFINITY; }
            case "-inf", "-Infinity" -> { return Double.NEGATIVE_INFINITY; }
            default -> { }
        }
        double value;
        try {
            value = Double.parseDouble(text);
        } catch (NumberFormatException e) {
            throw new UnreadableSeriesException(file + ":" + lineNo + ": " + metric + " '" + text + "' is not a number");
        }
        int dot = text.indexOf('.');
        int exponent = Math.max(text.indexOf('e'), text.indexOf('E'));
        int places = dot < 0 ? 0 : (exponent < 0 ? text.length() : exponent) - dot - 1;
        if (exponent >= 0) places = Math.max(0, places - Integer.parseInt(text.substring(exponent + 1)));
        decimals.merge(metric, places, Math::min);
        return value;
    }
}
