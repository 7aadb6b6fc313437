package dev.losscompare.harness.cli;

import dev.losscompare.harness.Console;
import dev.losscompare.harness.api.LossCompare;
import dev.losscompare.harness.launch.LauncherKind;
import java.nio.file.Path;
import picocli.CommandLine.Option;

/**
 * Where the runs start: here (local, the default) or as Slurm jobs ({@code --launcher=slurm}, or
 * a suite's {@code [launcher]} table, which the API reads with the suite), with the folder the
 * nodes share.
 */
public final class LauncherOptions {
    @Option(names = "--launcher", paramLabel = "local|slurm",
            description = "Where runs start: local child processes (default), or every run as a Slurm job (also a suite's [launcher] table).")
    LauncherKind launcher;

    @Option(names = "--shared-dir", paramLabel = "DIR",
            description = "With slurm: a folder every node sees (job files; the cache unless LOSS_COMPARE_CACHE or --cache-dir says otherwise).")
    Path sharedDir;

    /** The repository as {@code repo} names it, with this invocation's launcher choice (checked when the command runs). */
    LossCompare open(Console console, RepoOptions repo) {
        return repo.open(console).setLauncher(launcher).setSharedDir(sharedDir);
    }
}
