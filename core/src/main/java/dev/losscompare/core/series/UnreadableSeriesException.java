package dev.losscompare.core.series;

/** A metrics file that is missing, truncated or malformed. The message names the file and line. */
public class UnreadableSeriesException extends RuntimeException {
    public UnreadableSeriesException(String message) {
        super(message);
    }
}
