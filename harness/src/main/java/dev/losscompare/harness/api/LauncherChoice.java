package dev.losscompare.harness.api;

import dev.losscompare.core.text.SettingWords;
import dev.losscompare.core.text.Setting;
import dev.losscompare.core.text.Durations;
import dev.losscompare.harness.Console;
import dev.losscompare.harness.UsageException;
import dev.losscompare.harness.engine.OutputFolders;
import dev.losscompare.harness.launch.LauncherKind;
import dev.losscompare.harness.launch.LauncherTable;
import dev.losscompare.harness.launch.LocalLauncher;
import dev.losscompare.harness.launch.RunLauncher;
import dev.losscompare.harness.launch.SlurmLauncher;
import dev.losscompare.harness.launch.SlurmSettings;
import dev.losscompare.harness.run.OnPath;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;

/**
 * Where one call's runs start, as the caller chose it: a launcher object (setLauncher), else a
 * kind and shared dir (--launcher, --shared-dir) over the suite's {@code [launcher]} table, else
 * local. Resolved once per call, so two LossCompare objects never share or overwrite a launcher.
 */
final class LauncherChoice {
    private RunLauncher given;
    private LauncherKind kind;
    private Path sharedDir;

    void use(RunLauncher launcher) {
        this.given = launcher;
    }

    void kind(LauncherKind kind) {
        this.kind = kind;
    }

    void sharedDir(Path dir) {
        this.sharedDir = dir;
    }

    /** True when {@code l} was made for a call (the call closes it), not given to setLauncher (its maker closes it). */
    boolean made(RunLauncher l) {
        return l != given;
    }

    /**
     * The launcher of a call with {@code tableOrNull} (the suite's [launcher]) and the run timeout
     * {@code timeout} (null: none); a Slurm launcher says so on the console's error stream.
     */
    RunLauncher resolve(Console console, LauncherTable tableOrNull, Duration timeout, SettingWords words) throws IOException {
        if (given != null) return given;
        LauncherKind k = kind != null ? kind : tableOrNull != null ? tableOrNull.kind() : LauncherKind.local;
        if (k == LauncherKind.local) {
            if (sharedDir != null) {
                throw new UsageException(Setting.SHARED_DIR, words.name(Setting.SHARED_DIR) + " is for " + words.withValue(Setting.LAUNCHER, "slurm")
                        + " (the runs start here)");
            }
            return LocalLauncher.INSTANCE;
        }
        SlurmSettings settings = slurm(console, tableOrNull, words);
        if (OnPath.find("sbatch", Map.of()) == null) {   // the PATH the harness starts processes with
            throw new UsageException(UsageException.Reason.MACHINE, Setting.LAUNCHER, words.withValue(Setting.LAUNCHER, "slurm")
                    + ": sbatch is not on PATH (run from a machine that submits to the cluster)");
        }
        RunLauncher slurm = new SlurmLauncher(settings, console.err());
        console.err().println("launcher: slurm, shared dir " + console.show(settings.sharedDir())
                + (timeout == null ? "" : ", job time limit from " + words.name(Setting.TIMEOUT) + " " + Durations.human(timeout)));
        return slurm;
    }

    /** The table's settings (none: the cluster's defaults) with --shared-dir over its shared_dir; one is needed. */
    private SlurmSettings slurm(Console console, LauncherTable t, SettingWords words) {
        SlurmSettings table = t != null ? t.slurm() : new SlurmSettings(null, null, null, null, null, null, null, java.util.List.of(), false);
        Path shared = sharedDir != null ? console.cwd().resolve(sharedDir) : table.sharedDir();
        if (shared == null) {
            throw new UsageException(Setting.LAUNCHER, words.withValue(Setting.LAUNCHER, "slurm") + " needs " + words.withValue(Setting.SHARED_DIR, "DIR")
                    + " (or shared_dir in the suite's [launcher] table): "
                    + "a folder every node sees, for job files and the cache; the output folder must be on shared storage too");
        }
        OutputFolders.checkFolder(shared, sharedDir != null ? Setting.SHARED_DIR : Setting.SUITE, sharedDir != null ? words.name(Setting.SHARED_DIR) : t.where() + ": shared_dir");
        return table.withSharedDir(shared.normalize());
    }
}
