package dev.losscompare.harness.cli;

import dev.losscompare.harness.CompareRun;
import dev.losscompare.harness.CompareSettings;
import dev.losscompare.harness.suite.SuiteCase;
import dev.losscompare.harness.suite.SuiteFile;
import dev.losscompare.harness.Console;
import dev.losscompare.harness.UsageException;
import dev.losscompare.harness.cache.CacheLocation;
import dev.losscompare.harness.run.ShellWords;
import dev.losscompare.domain.ComparisonMode;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code loss_compare.sh BASELINE TEST [options]}: the flags of ARCHITECTURE.md. */
@Command(name = "loss_compare.sh", mixinStandardHelpOptions = true, sortOptions = false,
        subcommands = {ReportCommand.class, GateCommand.class},
        description = {"Trains two git revisions identically and diffs their per-step loss and grad_norm.",
                "Exit: 0 every case matches, 1 some case differs, 2 could not decide."},
        footer = {"", "Revisions: a branch, tag, sha, HEAD~n, origin/main, or . for the working tree.",
                "Examples:", "  ./loss_compare.sh main HEAD --steps=100",
                "  ./loss_compare.sh HEAD~1 . --steps=5 --train-options=\"--training.seq_len=64\""})
public final class CompareCommand implements Callable<Integer> {
    private final Console console;

    @Parameters(index = "0", arity = "0..1", paramLabel = "BASELINE", description = "Baseline revision.")
    String baseline;

    @Parameters(index = "1", arity = "0..1", paramLabel = "TEST", description = "Test revision.")
    String test;

    @Option(names = "--steps", paramLabel = "N", description = "Training steps per run (default: ${DEFAULT-VALUE}).", defaultValue = "100")
    int steps;

    @Option(names = "--config", paramLabel = "PATH", defaultValue = "configs/llama3_debug.toml",
            description = "Trainer config, relative to each revision's root (default: ${DEFAULT-VALUE}).")
    String config;

    @Option(names = "--seed", paramLabel = "N", defaultValue = "42", description = "debug.seed for both runs (default: ${DEFAULT-VALUE}).")
    long seed;

    @Option(names = "--threads", paramLabel = "N", defaultValue = "1", description = "training.num_threads per run (default: ${DEFAULT-VALUE}).")
    int threads;

    @Option(names = "--train-options", paramLabel = "\"OPTS\"", description = "Trainer options for both runs, split like a shell would.")
    String trainOptions;

    @Option(names = {"--baseline-train-options", "--baseline-options"}, paramLabel = "\"OPTS\"", description = "Trainer options for the baseline run only.")
    String baselineOptions;

    @Option(names = {"--test-train-options", "--test-options"}, paramLabel = "\"OPTS\"", description = "Trainer options for the test run only.")
    String testOptions;

    @Option(names = "--no-seed-checkpoint", description = "Let each run initialize its own weights instead of loading the baseline's.")
    boolean noSeedCheckpoint;

    @Option(names = "--assert-equal", description = "Require bitwise-identical values (the default unless --atol/--rtol).")
    boolean assertEqual;

    @Option(names = "--atol", paramLabel = "X", description = "Absolute tolerance: pass when |test-baseline| <= atol + rtol*|baseline|.")
    Double atol;

    @Option(names = "--rtol", paramLabel = "X", description = "Relative tolerance (see --atol).")
    Double rtol;

    @Option(names = "--metrics", paramLabel = "LIST", defaultValue = "loss,grad_norm", description = "Metrics to compare (default: ${DEFAULT-VALUE}).")
    String metrics;

    @Option(names = "--output-folder", paramLabel = "DIR", description = "Where results go (default: ./loss_compare/<UTC time>-<base>-vs-<test>/).")
    Path outputFolder;

    @Option(names = "--export-result", paramLabel = "FILE", description = "Run the baseline only and write its losses as \"step loss\" lines.")
    Path exportResult;

    @Option(names = "--import-result", paramLabel = "FILE", description = "Run the test revision only and compare it with this loss file.")
    Path importResult;

    @Option(names = "--suite", paramLabel = "FILE", description = "Sign-off suite of model cases, e.g. configs/signoff.toml.")
    Path suite;

    @Option(names = "--no-cache", description = "Train every run even if an identical one is in the result cache.")
    boolean noCache;

    @Option(names = "--cases", paramLabel = "LIST", description = "With --suite: run only these cases (comma-separated names).")
    String cases;

    @Option(names = "--repo", paramLabel = "DIR", description = "Repository (default: the one enclosing the current directory).")
    Path repo;

    @Option(names = "--jobs", paramLabel = "N", description = "Runs at once (default: 2 when cores >= 2 x threads, else 1).")
    Integer jobs;

    @Option(names = "--timeout", paramLabel = "DURATION", converter = DurationConverter.class,
            description = "Stop a run that takes longer (e.g. 90s, 30m, 1h).")
    Duration timeout;

    @Option(names = "--cache-dir", paramLabel = "DIR", hidden = true)
    Path cacheDir;

    public CompareCommand(Console console) {
        this.console = console;
    }

    Console console() {
        return console;
    }

    @Override
    public Integer call() throws Exception {
        return new CompareRun(console).run(settings());
    }

    CompareSettings settings() {
        if (cases != null && suite == null) throw new UsageException("--cases needs --suite=FILE");
        if (suite != null && (exportResult != null || importResult != null)) {
            throw new UsageException("--suite compares two revisions; it cannot be combined with --export-result/--import-result");
        }
        if (exportResult != null && importResult != null) {
            throw new UsageException("--export-result and --import-result cannot be used together");
        }
        String base = baseline;
        String tst = test;
        if (importResult != null) {
            // torchtitan passes ". ." here; the run to check is TEST (or the only revision given).
            if (base == null) throw new UsageException("--import-result needs the revision to run: loss_compare.sh TEST --import-result=FILE");
            tst = tst == null ? base : tst;
            base = null;
        } else if (exportResult != null) {
            if (base == null) throw new UsageException("--export-result needs the revision to run: loss_compare.sh BASELINE --export-result=FILE");
            tst = null;
        } else if (base == null || tst == null) {
            throw new UsageException("need two revisions: loss_compare.sh BASELINE TEST [options] (see --help)");
        }
        if (steps < 1) throw new UsageException("--steps must be at least 1, got " + steps);
        if (threads < 1) throw new UsageException("--threads must be at least 1, got " + threads);
        if (jobs != null && jobs < 1) throw new UsageException("--jobs must be at least 1, got " + jobs);
        ComparisonMode mode = mode();
        List<String> metricList = metricList();
        List<String> both = ShellWords.split(trainOptions, "--train-options");
        List<String> baseOpts = ShellWords.split(baselineOptions, "--baseline-train-options");
        List<String> testOpts = ShellWords.split(testOptions, "--test-train-options");
        int effectiveThreads = Math.max(effectiveThreads(both, baseOpts), effectiveThreads(both, testOpts));
        int cores = Runtime.getRuntime().availableProcessors();
        int j = jobs != null ? jobs : (cores >= 2 * effectiveThreads ? 2 : 1);
        Path cwd = console.cwd();
        Path suiteFile = suite == null ? null : cwd.resolve(suite);
        List<SuiteCase> caseList = suiteFile == null ? List.of(new SuiteCase(null, config, List.of()))
                : SuiteFile.select(SuiteFile.read(suiteFile), cases);
        Path cache = cacheDirectory();
        return new CompareSettings(base, tst, repo == null ? cwd : cwd.resolve(repo), cwd, cache, steps, config, seed,
                threads, both, baseOpts, testOpts, !noSeedCheckpoint, mode, metricList, !"loss,grad_norm".equals(metrics),
                outputFolder == null ? null : cwd.resolve(outputFolder),
                exportResult == null ? null : cwd.resolve(exportResult),
                importResult == null ? null : cwd.resolve(importResult), j, timeout, suiteFile, caseList, !noCache);
    }

    /** --cache-dir, else LOSS_COMPARE_CACHE, XDG_CACHE_HOME/loss_compare or ~/.cache/loss_compare. */
    Path cacheDirectory() {
        return cacheDir != null ? console.cwd().resolve(cacheDir) : CacheLocation.resolve(console.env());
    }

    private ComparisonMode mode() {
        if (atol == null && rtol == null) return ComparisonMode.bitwise();
        if (assertEqual) throw new UsageException("--assert-equal (bitwise) cannot be combined with --atol/--rtol");
        double a = atol == null ? 0 : atol;
        double r = rtol == null ? 0 : rtol;
        if (!(a >= 0) || !(r >= 0) || Double.isInfinite(a) || Double.isInfinite(r)) {
            throw new UsageException("--atol and --rtol must be finite and >= 0");
        }
        return ComparisonMode.tolerance(a, r);
    }

    private List<String> metricList() {
        List<String> list = new ArrayList<>();
        for (String m : metrics.split(",")) {
            String name = m.strip();
            if (!name.matches("[A-Za-z_][A-Za-z0-9_]*")) {
                throw new UsageException("--metrics: '" + m + "' is not a metric name (e.g. --metrics=loss,grad_norm)");
            }
            if (!list.contains(name)) list.add(name);
        }
        if (list.isEmpty()) throw new UsageException("--metrics: name at least one metric");
        return list;
    }

    /** training.num_threads as the trainer will see it: the last override wins. */
    private int effectiveThreads(List<String> both, List<String> side) {
        int t = threads;
        List<String> all = new ArrayList<>(both);
        all.addAll(side);
        for (String opt : all) {
            if (opt.startsWith("--training.num_threads=")) {
                try {
                    t = Integer.parseInt(opt.substring(opt.indexOf('=') + 1).strip());
                } catch (NumberFormatException e) {
                    throw new UsageException("--training.num_threads needs a whole number, got: " + opt);
                }
            }
        }
        return Math.max(1, t);
    }

    @Override
    public String toString() {
        return "compare " + Arrays.asList(baseline, test);
    }
}
