package dev.losscompare.harness.run;

/**
 * How a child process ended. {@code lastLine} is the last non-blank line of its log: by the
 * trainer contract, the one-line reason of a failure.
 */
public record RunOutcome(int exitCode, boolean timedOut, boolean interrupted, double wallSeconds, String lastLine) {
    /** By the trainer contract, bad input (an unknown key, a checkpoint that does not fit) is exit 2. */
    public static final int BAD_INPUT = 2;

    public boolean ok() {
        return exitCode == 0 && !timedOut && !interrupted;
    }

    /** Bad input whose one-line reason names {@code key} (e.g. an older trainer that does not know {@code debug.trace_steps}). */
    public boolean rejected(String key) {
        return exitCode == BAD_INPUT && lastLine.contains(key);
    }

    /** A failure whose one-line reason is about the checkpoint it was asked to load. */
    public boolean blamesCheckpoint() {
        return exitCode != 0 && lastLine.contains("checkpoint");
    }
}
