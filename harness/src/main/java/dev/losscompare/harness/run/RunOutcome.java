package dev.losscompare.harness.run;

/**
 * How a run ended. {@code lastLine} is the last non-blank line of its log: by the trainer
 * contract, the one-line reason of a failure. {@code job}: for a run that was a cluster job, which
 * job and how it ended ("Slurm job 42: TIMEOUT, ..."), else null.
 */
public record RunOutcome(int exitCode, boolean timedOut, boolean interrupted, double wallSeconds, String lastLine, String job) {
    public RunOutcome(int exitCode, boolean timedOut, boolean interrupted, double wallSeconds, String lastLine) {
        this(exitCode, timedOut, interrupted, wallSeconds, lastLine, null);
    }

    public boolean ok() {
        return exitCode == 0 && !timedOut && !interrupted;
    }

    /** " (Slurm job 42: ...)" for a cluster job, else empty: appended to messages that do not quote the log. */
    public String jobNote() {
        return job == null ? "" : " (" + job + ")";
    }
}
