package dev.losscompare.harness.api;

import dev.losscompare.harness.Console;
import dev.losscompare.harness.Wording;
import dev.losscompare.harness.cache.CacheLocation;
import dev.losscompare.harness.engine.Workspace;
import dev.losscompare.harness.launch.LauncherKind;
import dev.losscompare.harness.launch.RunLauncher;
import dev.losscompare.harness.suite.Suite;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;

/**
 * The Java API, in the style of JGit's porcelain: one entry point per repository, one command
 * object per verb with setters, and {@code call()} returning a typed result.
 * <pre>
 *   LossCompare lc = LossCompare.open(repoDir);
 *   Comparison c = lc.compare("HEAD~1", "HEAD").setSteps(5).call();
 * </pre>
 * Bad input is a {@link dev.losscompare.harness.UsageException} (one line: what was wrong and what
 * to do); Ctrl-C is {@link dev.losscompare.harness.engine.Interrupted}. Progress and verdict lines go
 * to the console, outputs to each command's output folder. The command line
 * ({@code loss_compare.sh}) is a thin layer over this class.
 */
public final class LossCompare {
    private final Console console;
    private final Path repoDir;
    private Path cacheDir;
    private boolean resultCache = true;
    private LauncherChoice launcher = new LauncherChoice();
    private Wording wording = Wording.API;

    private LossCompare(Console console, Path repoDir) {
        this.console = console;
        this.repoDir = repoDir;
    }

    /** The repository at {@code repoDir}, with this process's environment and streams, relative paths against {@code repoDir}. */
    public static LossCompare open(Path repoDir) {
        Console system = Console.system();
        Path dir = repoDir.toAbsolutePath().normalize();
        return new LossCompare(new Console(dir, system.env(), system.out(), system.err(), system.terminal()), dir);
    }

    /** The repository at {@code repoDir} (relative: to the console's working directory), seen through {@code console}. */
    public static LossCompare open(Path repoDir, Console console) {
        return new LossCompare(console, console.cwd().resolve(repoDir));
    }

    /** Where materialized revisions, builds and finished runs are kept (default: $LOSS_COMPARE_CACHE, XDG, ~/.cache). */
    public LossCompare setCacheDir(Path dir) {
        this.cacheDir = dir == null ? null : console.cwd().resolve(dir);
        return this;
    }

    /**
     * Where runs start: this launcher for every call (e.g. a {@code SlurmLauncher}: every run a
     * Slurm job), over a suite's {@code [launcher]} table. Each call's runs start through its own
     * launcher, so two LossCompare objects in one process never share one.
     */
    public LossCompare setLauncher(RunLauncher launcher) {
        this.launcher.use(java.util.Objects.requireNonNull(launcher, "launcher"));
        return this;
    }

    /**
     * --launcher: local child processes, or every run a Slurm job (with {@link #setSharedDir} or
     * the suite's shared_dir). Unset: the suite's {@code [launcher]} table, else local.
     */
    public LossCompare setLauncher(LauncherKind kind) {
        this.launcher.kind(kind);
        return this;
    }

    /** --shared-dir: with Slurm, a folder every node sees (job files; the cache unless setCacheDir or LOSS_COMPARE_CACHE says otherwise). */
    public LossCompare setSharedDir(Path dir) {
        this.launcher.sharedDir(dir);
        return this;
    }

    /**
     * How bad-input messages name a setting: {@link Wording#API} (the default: "setRuns(K)", as
     * this program calls it) or {@link Wording#COMMAND_LINE} ("--runs=K": the command line, which
     * is a thin layer over this class, passes that). Reports and verdict lines are the same either way.
     */
    public LossCompare setWording(Wording wording) {
        this.wording = java.util.Objects.requireNonNull(wording, "wording");
        return this;
    }

    /** false (--no-cache): train every run even if an identical one is in the result cache. */
    public LossCompare setResultCache(boolean use) {
        this.resultCache = use;
        return this;
    }

    /** Trains BASELINE and TEST identically and judges every case. */
    public Compare compare(String baseline, String test) {
        return new Compare(this, baseline, test);
    }

    /** The working tree's suite cases against their goldens. */
    public Gate gate() {
        return new Gate(this);
    }

    /** Re-records the goldens from the working tree. */
    public UpdateGoldens updateGoldens() {
        return new UpdateGoldens(this);
    }

    /** Trains one revision and writes its losses as "step loss" lines. */
    public Export export(String revision, Path file) {
        return new Export(this, revision, file);
    }

    /** Judges two runs that already exist (files or folders); nothing trained, no repository read. */
    public Diff diff(Path baseline, Path test) {
        return new Diff(this, baseline, test);
    }

    /** Trains REV's cases under benign perturbations and writes each case's noise envelope (null revision: with setFromRuns). */
    public Calibrate calibrate(String revision) {
        return new Calibrate(this, revision);
    }

    /** The first commit after GOOD on BAD's first-parent path whose series differ from GOOD's. */
    public Bisect bisect(String good, String bad) {
        return new Bisect(this, good, bad);
    }

    Console console() {
        return console;
    }

    Path repoDir() {
        return repoDir;
    }

    Wording wording() {
        return wording;
    }

    boolean resultCache() {
        return resultCache;
    }

    /** The launcher of one call: setLauncher, else the suite's [launcher] table (null suite: none), else local. */
    private RunLauncher launcher(Suite suiteOrNull, Duration timeout) throws IOException {
        return launcher.resolve(console, suiteOrNull == null ? null : suiteOrNull.launcher(), timeout, wording);
    }

    /**
     * Every command opens its workspace first, with its call's launcher; a launcher the call made
     * (not one given to setLauncher) is closed with the workspace, when the call ends.
     */
    Workspace workspace(Suite suiteOrNull, Duration timeout) throws IOException {
        RunLauncher l = launcher(suiteOrNull, timeout);
        if (!launcher.made(l)) return workspace(l);
        try {
            return workspace(l).closingLauncher();
        } catch (RuntimeException e) {
            l.close();
            throw e;
        }
    }

    /**
     * The workspace of a call whose runs start through {@code launcher}; a launcher whose nodes
     * need a shared cache gets it unless a cache was chosen (setCacheDir, LOSS_COMPARE_CACHE).
     */
    Workspace workspace(RunLauncher launcher) {
        Path cache = cacheDir != null ? cacheDir
                : console.env().get("LOSS_COMPARE_CACHE") == null && launcher.sharedCache() != null ? launcher.sharedCache()
                : CacheLocation.resolve(console.env());
        return Workspace.open(console, repoDir, cache, launcher, wording);
    }

    /** The same repository and caches seen through another console (bisect's probes write to bisect.log). */
    LossCompare through(Console other) {
        LossCompare lc = new LossCompare(other, repoDir);
        lc.cacheDir = cacheDir;
        lc.resultCache = resultCache;
        lc.launcher = launcher;
        lc.wording = wording;
        return lc;
    }

    /** A path the user gave, against the working directory. */
    Path resolve(Path p) {
        return p == null ? null : console.cwd().resolve(p);
    }
}
