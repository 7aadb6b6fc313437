package dev.losscompare.core.result;

/** The process exit codes of the contract (docs/architecture.md, "Exit codes"), named once. */
public final class ExitCode {
    /** Every case matches; or: the export or golden update was written. */
    public static final int MATCH = 0;
    /** Some case differs. */
    public static final int DIFFER = 1;
    /** Could not decide: bad input, build failure, crash, timeout, unreadable series, missing golden. */
    public static final int UNDECIDED = 2;
    /** Ctrl-C: every trainer process tree was killed, no result written. */
    public static final int INTERRUPTED = 130;

    private ExitCode() {}
}
