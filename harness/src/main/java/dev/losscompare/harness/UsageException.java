package dev.losscompare.harness;

import dev.losscompare.core.text.Setting;

/**
 * Input the harness cannot act on (bad flag value, unknown revision, missing config): one line
 * on stderr and exit 2, never a stack trace. {@link #reason()} says which kind of input was wrong
 * and {@link #setting()} which setting it was about, for a program that handles it; the message
 * says what to do, for a person.
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
    private final Setting setting;

    /** Bad input of an option ({@link Reason#OPTION}) that is not one setting's alone. */
    public UsageException(String message) {
        this(Reason.OPTION, null, message);
    }

    /** Bad input of one setting's value ({@link Reason#OPTION}), or of {@code setting} with another it does not go with. */
    public UsageException(Setting setting, String message) {
        this(Reason.OPTION, setting, message);
    }

    public UsageException(Reason reason, String message) {
        this(reason, null, message);
    }

    /** {@code setting}: the setting the bad input was given with (a fault in a suite file: {@link Setting#SUITE}), or null. */
    public UsageException(Reason reason, Setting setting, String message) {
        super(message);
        this.reason = java.util.Objects.requireNonNull(reason, "reason");
        this.setting = setting;
    }

    public Reason reason() {
        return reason;
    }

    /**
     * The setting the bad input was about, for a program that reacts to it: {@code Setting.STEPS}
     * for setSteps(0), one of two that do not go together, {@code Setting.SUITE} for anything wrong
     * in the suite file; null when it was about no one setting (a revision, this machine, a
     * trainer table that may come from either file).
     */
    public Setting setting() {
        return setting;
    }
}
