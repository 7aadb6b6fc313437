package dev.losscompare.tbevents;

/** An event file that cannot be read exactly: missing, truncated or corrupt. The message names the file and byte offset. */
public class EventFileException extends RuntimeException {
    public EventFileException(String message) {
        super(message);
    }

    public EventFileException(String message, Throwable cause) {
        super(message, cause);
    }
}
