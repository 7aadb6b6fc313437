package dev.losscompare.harness.launch;

/** The launchers there are: child processes here, or every run a Slurm job. */
public enum LauncherKind { local, slurm }
