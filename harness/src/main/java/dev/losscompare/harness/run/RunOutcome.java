package dev.losscompare.harness.run;

/**
 * How a run ended. {@code lastLine} is the last non-blank line of its log: by the trainer
 * contract, the one-line reason of a failure. {@code job}: for a run that was a cluster job, which
 * job and how it ended ("Slurm job 42: TIMEOUT, ..."), else null. {@code notStarted}: the launcher never
 * started it (advice about the trainer or its checkpoint would be wrong).
 */
public record RunOutcome(int exitCode, boolean timedOut, boolean interrupted, double wallSeconds, String lastLine, String job,
                         boolean notStarted) {
    /** By the trainer contract, bad input (an unknown key, a checkpoint that does not fit) is exit 2. */
    public static final int BAD_INPUT = 2;

    public RunOutcome(int exitCode, boolean timedOut, boolean interrupted, double wallSeconds, String lastLine) {
        this(exitCode, timedOut, interrupted, wallSeconds, lastLine, null);
    }

    public RunOutcome(int exitCode, boolean timedOut, boolean interrupted, double wallSeconds, String lastLine, String job) {
        this(exitCode, timedOut, interrupted, wallSeconds, lastLine, job, false);
    }

    /** The launcher could not start the run at all (sbatch refused it): {@code why} names the launcher's problem, not the trainer's. */
    public static RunOutcome notStarted(String why) {
        return new RunOutcome(1, false, false, 0, why, why, true);
    }

    public boolean ok() {
        return exitCode == 0 && !timedOut && !interrupted;
    }

    /** " (Slurm job 42: ...)" for a cluster job, else empty: appended to messages that do not quote the log. */
    public String jobNote() {
        return job == null ? "" : " (" + job + ")";
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
