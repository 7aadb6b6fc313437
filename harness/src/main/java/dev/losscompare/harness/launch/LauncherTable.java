package dev.losscompare.harness.launch;

/**
 * A suite's {@code [launcher]} table as read: which launcher ({@code type}, default slurm) and
 * its Slurm settings ({@code slurm.sharedDir()} null when the table names none: the caller's
 * shared dir then). {@code where}: how messages name the table.
 */
public record LauncherTable(String where, LauncherKind kind, SlurmSettings slurm) {}
