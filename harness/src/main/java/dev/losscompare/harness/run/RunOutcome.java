package dev.losscompare.harness.run;

/**
 * How a child process ended. {@code lastLine} is the last non-blank line of its log: by the
 * trainer contract, the one-line reason of a failure.
 */
public record RunOutcome(int exitCode, boolean timedOut, boolean interrupted, double wallSeconds, String lastLine) {
    public boolean ok() {
        return exitCode == 0 && !timedOut && !interrupted;
    }
}
