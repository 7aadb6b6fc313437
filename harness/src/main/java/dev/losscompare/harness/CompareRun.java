package dev.losscompare.harness;

import dev.losscompare.harness.cache.BuildResult;
import dev.losscompare.harness.cache.Materialized;
import dev.losscompare.harness.cache.ResultCache;
import dev.losscompare.harness.cache.RevisionCache;
import dev.losscompare.domain.judge.CaseJudge;
import dev.losscompare.domain.judge.CaseJudge.CaseId;
import dev.losscompare.domain.judge.Judgement;
import dev.losscompare.domain.judge.MetricDiff;
import dev.losscompare.domain.judge.SideResult;
import dev.losscompare.harness.diff.StepTable;
import dev.losscompare.harness.git.GitRepos;
import dev.losscompare.harness.git.ResolvedRevision;
import dev.losscompare.harness.git.RevisionResolver;
import dev.losscompare.harness.io.LossFile;
import dev.losscompare.harness.io.SeriesFiles;
import dev.losscompare.harness.run.ActiveProcesses;
import dev.losscompare.harness.run.ChildProcess;
import dev.losscompare.harness.run.Progress;
import dev.losscompare.harness.run.RunOutcome;
import dev.losscompare.harness.run.TrainerArgs;
import dev.losscompare.harness.suite.SuiteCase;
import dev.losscompare.reports.ReportWriter;
import dev.losscompare.reports.io.AtomicFiles;
import dev.losscompare.domain.CaseResult;
import dev.losscompare.domain.Comparison;
import dev.losscompare.domain.MetricResult;
import dev.losscompare.domain.Revision;
import dev.losscompare.domain.RunInfo;
import dev.losscompare.domain.RunSeries;
import dev.losscompare.domain.StepRecord;
import dev.losscompare.domain.UnreadableSeriesException;
import dev.losscompare.domain.Verdict;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.eclipse.jgit.lib.Repository;

/**
 * One comparison from start to verdict: resolve, materialize, build, seed, train both sides,
 * diff, report. Every step that cannot go on ends in an ERROR the report records (exit 2).
 */
public final class CompareRun {
    private final Console console;

    public CompareRun(Console console) {
        this.console = console;
    }

    public int run(CompareSettings s) throws IOException, InterruptedException {
        Instant started = Instant.now();
        try (Repository repo = GitRepos.open(s.repoDir())) {
            RevisionResolver resolver = new RevisionResolver(repo);
            ResolvedRevision base = s.baselineSpec() == null ? null : resolver.resolve(s.baselineSpec());
            ResolvedRevision test = s.testSpec() == null ? null : resolver.resolve(s.testSpec());
            RunSeries imported = s.importMode() ? readImport(s.importResult()) : null;

            RevisionCache cache = new RevisionCache(s.cacheDir(), repo);
            Materialized baseDir = base == null ? null : materialize(cache, "baseline", base);
            Materialized testDir = test == null ? null : materialize(cache, "test", test);
            Materialized first = baseDir != null ? baseDir : testDir;
            List<ModelCase> cases = new ArrayList<>();
            for (SuiteCase c : s.cases()) {
                checkConfig(c.config(), baseDir);
                checkConfig(c.config(), testDir);
                cases.add(new ModelCase(c, caseId(s, c, first, baseDir != null)));
            }

            Path out = OutputFolders.create(s.outputFolder(), s.cwd(),
                    base != null ? base.spec() : s.importResult().getFileName().toString(),
                    test != null ? test.spec() : "export", started);
            List<Path> seedFiles = cases.stream().map(c -> out.resolve(c.id().name()).resolve(SEED_FILE)).toList();
            Runnable cleanup = () -> {
                for (Path seedFile : seedFiles) {
                    try {
                        Files.deleteIfExists(seedFile);
                    } catch (IOException ignored) {
                        // best effort while the JVM stops
                    }
                }
                console.err().println("loss_compare: interrupted; stopped the trainer runs; no result written to " + show(out));
            };
            Interrupts.begin(cleanup);
            try {
                return new Flow(s, cache, cases, out, base, test, baseDir, testDir, imported, started).run();
            } catch (SideRunner.Interrupted e) {
                return 130;
            } finally {
                Interrupts.done(cleanup);
                for (Path seedFile : seedFiles) Files.deleteIfExists(seedFile);
            }
        }
    }

    private static final String SEED_FILE = "seed_checkpoint.safetensors";

    /** A model case with its resolved name, model and flavor. */
    private record ModelCase(SuiteCase spec, CaseId id) {}

    /** What one case decided, and the line that says so. */
    private record CaseOutcome(CaseResult result, String verdictLine) {}

    /** Suite cases keep their name; a lone case is named after its model and flavor. */
    private static CaseId caseId(CompareSettings s, SuiteCase c, Materialized first, boolean baselineFirst) {
        List<String> options = new ArrayList<>(c.options());
        options.addAll(s.trainOptions());
        options.addAll(baselineFirst ? s.baselineOptions() : s.testOptions());
        CaseId named = CaseNaming.of(first.dir().resolve(c.config()), c.config(), options);
        return c.name() == null ? named : new CaseId(c.name(), named.model(), named.flavor(), named.config());
    }

    private Materialized materialize(RevisionCache cache, String side, ResolvedRevision rev) throws IOException {
        Materialized m = cache.materialize(rev);
        console.out().println(side + ": " + rev.label() + (rev.subject() == null ? "" : " \"" + rev.subject() + "\"")
                + (m.reused() ? " (cached)" : ""));
        return m;
    }

    private void checkConfig(String config, Materialized m) {
        if (m == null) return;
        if (!Files.isRegularFile(m.dir().resolve(config))) {
            throw new UsageException("config " + config + " does not exist in revision " + m.revision().label()
                    + " (pass --config=PATH relative to the repository root)");
        }
    }

    private static RunSeries readImport(Path file) {
        if (!Files.isRegularFile(file)) throw new UsageException("--import-result: no such file: " + file);
        try {
            return LossFile.read(file);
        } catch (UnreadableSeriesException e) {
            throw new UsageException("--import-result: " + e.getMessage());
        }
    }

    String show(Path p) {
        return console.show(p);
    }

    /** The state of one comparison in progress. */
    private final class Flow {
        private final CompareSettings s;
        private final RevisionCache cache;
        private final List<ModelCase> cases;
        private final Path out;
        private final ResolvedRevision base;
        private final ResolvedRevision test;
        private final Materialized baseDir;
        private final Materialized testDir;
        private final RunSeries imported;
        private final Instant started;
        private final ResultCache results;

        Flow(CompareSettings s, RevisionCache cache, List<ModelCase> cases, Path out,
             ResolvedRevision base, ResolvedRevision test, Materialized baseDir, Materialized testDir,
             RunSeries imported, Instant started) {
            this.s = s;
            this.cache = cache;
            this.cases = cases;
            this.out = out;
            this.base = base;
            this.test = test;
            this.baseDir = baseDir;
            this.testDir = testDir;
            this.imported = imported;
            this.started = started;
            this.results = s.useResultCache() && !s.exportMode() ? new ResultCache(s.cacheDir()) : null;
        }

        /** Builds each revision once, then runs the cases one after another (each with its two sides in parallel). */
        int run() throws IOException, InterruptedException {
            String buildError = build("baseline", baseDir);
            if (buildError == null && testDir != null && (baseDir == null || !testDir.key().equals(baseDir.key()))) buildError = build("test", testDir);
            List<CaseOutcome> outcomes = new ArrayList<>();
            for (ModelCase c : cases) {
                Path caseDir = Files.createDirectories(out.resolve(c.id().name()));
                if (buildError != null) {
                    outcomes.add(errorOutcome(c.id(), buildError));
                    continue;
                }
                if (cases.size() > 1) console.out().println("== " + c.id().label());
                if (s.exportMode()) return export(c, caseDir);
                outcomes.add(runCase(c, caseDir));
            }
            return finish(outcomes);
        }

        private CaseOutcome runCase(ModelCase c, Path caseDir) throws IOException, InterruptedException {
            Path seedFile = caseDir.resolve(SEED_FILE);
            try {
                if (s.seedCheckpoint()) {
                    String seedError = createSeed(c, caseDir, seedFile);
                    if (seedError != null) return errorOutcome(c.id(), seedError);
                }
                Path seed = s.seedCheckpoint() ? seedFile : null;
                try (Progress progress = new Progress(console.err(), console.terminal())) {
                    SideRunner runner = new SideRunner(out, caseDir, progress, s.timeout(), CompareRun.this::show, results);
                    SideResult baseline;
                    SideResult tested;
                    if (imported != null) {
                        baseline = importedSide(caseDir);
                        tested = runner.run("test", testDir, args(testDir, c, s.testOptions()), seed, false,
                                runKey(testDir, c, s.testOptions()));
                    } else if (s.jobs() >= 2) {
                        List<SideResult> both = runBoth(runner, c, seed);
                        baseline = both.get(0);
                        tested = both.get(1);
                    } else {
                        baseline = runner.run("baseline", baseDir, args(baseDir, c, s.baselineOptions()), seed, false,
                                runKey(baseDir, c, s.baselineOptions()));
                        tested = runner.run("test", testDir, args(testDir, c, s.testOptions()), seed, true,
                                runKey(testDir, c, s.testOptions()));
                    }
                    return judge(c, caseDir, baseline, tested);
                }
            } finally {
                Files.deleteIfExists(seedFile);
            }
        }

        private List<SideResult> runBoth(SideRunner runner, ModelCase c, Path seed) throws IOException, InterruptedException {
            ExecutorService pool = Executors.newFixedThreadPool(2);
            try {
                Future<SideResult> b = pool.submit(() -> runner.run("baseline", baseDir, args(baseDir, c, s.baselineOptions()), seed, false,
                        runKey(baseDir, c, s.baselineOptions())));
                Future<SideResult> t = pool.submit(() -> runner.run("test", testDir, args(testDir, c, s.testOptions()), seed, true,
                        runKey(testDir, c, s.testOptions())));
                return List.of(get(b), get(t));
            } finally {
                pool.shutdownNow();
            }
        }

        private SideResult get(Future<SideResult> f) throws IOException, InterruptedException {
            try {
                return f.get();
            } catch (ExecutionException e) {
                if (e.getCause() instanceof IOException io) throw io;
                if (e.getCause() instanceof RuntimeException re) throw re;
                throw new IOException(e.getCause());
            }
        }

        /** A run's result-cache key: its revision, options and the seed checkpoint it loads (by that one's key). */
        private String runKey(Materialized m, ModelCase c, List<String> sideOptions) {
            if (results == null) return null;
            return ResultCache.runKey(m, args(m, c, sideOptions), s.seedCheckpoint() ? seedKey(c) : null, console.env());
        }

        private String seedKey(ModelCase c) {
            Materialized seeder = baseDir != null ? baseDir : testDir;
            return ResultCache.seedKey(seeder, args(seeder, c, baseDir != null ? s.baselineOptions() : s.testOptions()), console.env());
        }

        /** The case's own options first, so --train-options and the per-side options override them. */
        private TrainerArgs args(Materialized m, ModelCase c, List<String> sideOptions) {
            List<String> opts = new ArrayList<>(c.spec().options());
            opts.addAll(s.trainOptions());
            opts.addAll(sideOptions);
            return new TrainerArgs(m.dir(), c.spec().config(), s.steps(), s.seed(), s.threads(), opts);
        }

        /** Builds once per content; returns the error line, or null. */
        private String build(String side, Materialized m) throws IOException {
            if (m == null) return null;
            Path log = out.resolve(side + "_build.log");
            console.out().println("building " + side + " " + m.revision().spec() + " ...");
            BuildResult r = cache.build(m, log);
            if (ActiveProcesses.shuttingDown()) throw new SideRunner.Interrupted();
            if (!r.ok()) return r.reason() + "; log: " + show(log);
            console.out().println("built " + side + " " + m.revision().spec() + (r.reused() ? " (cached build)" : ""));
            return null;
        }

        private String createSeed(ModelCase c, Path caseDir, Path seedFile) throws IOException {
            Materialized m = baseDir != null ? baseDir : testDir;
            String side = baseDir != null ? "baseline" : "test";
            Path log = caseDir.resolve("seed_checkpoint.log");
            if (results != null && results.restoreSeed(seedKey(c), seedFile)) {
                console.out().println("seed checkpoint of " + side + " " + m.revision().spec() + ": from cache");
                return null;
            }
            console.out().println("creating the seed checkpoint with " + side + " " + m.revision().spec() + " ...");
            TrainerArgs a = args(m, c, side.equals("baseline") ? s.baselineOptions() : s.testOptions());
            RunOutcome o = ChildProcess.run(a.seedCheckpointCommand(seedFile), m.dir(), log, s.timeout());
            if (o.interrupted()) throw new SideRunner.Interrupted();
            if (o.ok() && Files.isRegularFile(seedFile)) {
                if (results != null) results.storeSeed(seedKey(c), seedFile);
                return null;
            }
            String why = o.timedOut() ? "timed out" : o.ok() ? "no checkpoint file was written" : "exit " + o.exitCode();
            return "the " + side + " revision could not write a seed checkpoint (" + why + "): " + o.lastLine()
                    + "; rerun with --no-seed-checkpoint to let each run initialize itself; log: " + show(log);
        }

        private SideResult importedSide(Path caseDir) throws IOException {
            Path file = caseDir.resolve("baseline.jsonl");
            SeriesFiles.write(imported, file);
            RunInfo info = new RunInfo("baseline", List.of(), "" + out.relativize(file), null, null, null, null, false, imported.meta());
            return new SideResult(info, imported);
        }

        private List<String> metrics() {
            if (imported == null || s.metricsGiven()) return s.metrics();
            List<String> present = new ArrayList<>();
            for (String m : s.metrics()) {
                if (imported.steps().stream().anyMatch(r -> r.value(m) != null)) present.add(m);
            }
            return present.isEmpty() ? s.metrics() : present;
        }

        /** The step tables go to the console for a lone case, and for a suite's cases that did not pass. */
        private CaseOutcome judge(ModelCase c, Path caseDir, SideResult baseline, SideResult tested) throws IOException {
            if (ActiveProcesses.shuttingDown()) throw new SideRunner.Interrupted();
            Judgement j = CaseJudge.judge(c.id(), baseline, tested, metrics(), s.mode(), s.steps());
            boolean print = cases.size() == 1 || j.result().verdict() != Verdict.PASS;
            List<String> table = new ArrayList<>();
            for (MetricDiff d : j.diffs()) {
                if (print) {
                    console.out().println();
                    StepTable.forConsole(d).forEach(console.out()::println);
                }
                table.addAll(StepTable.full(d));
                table.add("");
            }
            if (!table.isEmpty()) AtomicFiles.writeString(caseDir.resolve("step_table.txt"), String.join("\n", table) + "\n");
            if (print) console.out().println();
            return new CaseOutcome(j.result(), j.verdictLine());
        }

        private CaseOutcome errorOutcome(CaseId id, String error) {
            RunInfo none = new RunInfo("baseline", List.of(), null, null, null, null, error, false, Map.of());
            RunInfo noneTest = new RunInfo("test", List.of(), null, null, null, null, error, false, Map.of());
            List<MetricResult> metrics = new ArrayList<>();
            for (String m : s.metrics()) metrics.add(new MetricResult(m, Verdict.ERROR, null, null, null, 0, 0, 0, 0, error));
            CaseResult r = new CaseResult(id.name(), id.model(), id.flavor(), id.config(), Verdict.ERROR, error, null,
                    none, noneTest, metrics);
            return new CaseOutcome(r, "ERROR " + id.label() + ": " + error);
        }

        /** Export mode runs the baseline of its one case only and writes torchtitan's "step loss" lines. */
        private int export(ModelCase c, Path caseDir) throws IOException, InterruptedException {
            Path seedFile = caseDir.resolve(SEED_FILE);
            if (s.seedCheckpoint()) {
                String seedError = createSeed(c, caseDir, seedFile);
                if (seedError != null) {
                    console.err().println("ERROR " + c.id().label() + ": " + seedError);
                    return Main.USAGE;
                }
            }
            SideResult baseline;
            try (Progress progress = new Progress(console.err(), console.terminal())) {
                SideRunner runner = new SideRunner(out, caseDir, progress, s.timeout(), CompareRun.this::show);
                baseline = runner.run("baseline", baseDir, args(baseDir, c, s.baselineOptions()),
                        s.seedCheckpoint() ? seedFile : null, false);
            }
            if (ActiveProcesses.shuttingDown()) throw new SideRunner.Interrupted();
            CaseId id = c.id();
            if (baseline.failed() || baseline.series() == null) {
                console.err().println("ERROR " + id.label() + ": " + baseline.info().error());
                return Main.USAGE;
            }
            LossFile.export(baseline.series(), s.exportResult());
            for (StepRecord r : baseline.series().steps()) console.out().println(r.step() + " " + r.value("loss"));
            console.out().println("exported " + baseline.series().steps().size() + " losses of " + base.label());
            console.out().println("export: " + show(s.exportResult()));
            return 0;
        }

        private int finish(List<CaseOutcome> outcomes) throws IOException {
            if (ActiveProcesses.shuttingDown()) throw new SideRunner.Interrupted();
            if (s.exportMode()) {
                for (CaseOutcome o : outcomes) console.err().println(o.verdictLine());
                return Main.USAGE;
            }
            Revision baseRev = base != null ? base.toModel()
                    : new Revision(s.importResult().toString(), null, "imported loss file", null, false);
            List<CaseResult> results = outcomes.stream().map(CaseOutcome::result).toList();
            String config = s.suiteFile() != null ? show(s.suiteFile()) : s.config();
            Comparison c = new Comparison(Comparison.SCHEMA_VERSION, imported != null ? "import" : "compare", baseRev,
                    test.toModel(), config, s.steps(), s.seed(), s.threads(), metrics(), s.mode(),
                    started.toString(), java.time.Duration.between(started, Instant.now()).toMillis() / 1000.0, results);
            for (CaseOutcome o : outcomes) {
                (o.result().verdict() == Verdict.ERROR ? console.err() : console.out()).println(o.verdictLine());
            }
            if (outcomes.size() > 1) SignoffTable.lines(c).forEach(console.out()::println);
            Path report = ReportWriter.writeAll(out, c);
            console.out().println("report: " + show(report));
            return c.exitCode();
        }

    }
}
