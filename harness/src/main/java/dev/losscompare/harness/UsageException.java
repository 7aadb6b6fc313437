package dev.losscompare.harness;

/**
 * Input the harness cannot act on (bad flag value, unknown revision, missing config): one line
 * on stderr and exit 2, never a stack trace.
 */
public class UsageException extends RuntimeException {
    public UsageException(String message) {
        super(message);
    }
}
