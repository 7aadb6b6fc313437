package dev.losscompare.harness;

/**
 * Input the harness cannot act on (bad flag value, unknown revision, missing config): one line
 * on stderr and exit 2, never a stack trace. {@link #reason()} says which kind of input was wrong,
 * for a program that handles it; the message says what to do, for a person.
 */
public class UsageException extends RuntimeException {
    /** Which kind of input was wrong. */
    public enum Reason {
        /** An option's (a setter's) value, or options that do not go together. */
        OPTION,
        /** A file or folder named for the command (suite, trainer file, noise envelope, golden, output folder) is missing or not what it must be. */
        FILE,
        /** A revision that cannot be resolved, written out or used as asked (no such commit, not a repository, a GOOD that fails). */
        REVISION,
        /** This machine cannot run what was asked (a program not on PATH, an environment whose prefix does not run). */
        MACHINE
    }

    private final Reason reason;

    /** Bad input of an option ({@link Reason#OPTION}). */
    public UsageException(String message) {
        this(Reason.OPTION, message);
    }

    public UsageException(Reason reason, String message) {
        super(message);
        this.reason = java.util.Objects.requireNonNull(reason, "reason");
    }

    public Reason reason() {
        return reason;
    }
}
