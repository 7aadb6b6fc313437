package dev.losscompare.harness;

import dev.losscompare.harness.cache.BuildResult;
import dev.losscompare.harness.cache.Materialized;
import dev.losscompare.harness.cache.RevisionCache;
import dev.losscompare.harness.diff.CaseJudge;
import dev.losscompare.harness.diff.CaseJudge.CaseId;
import dev.losscompare.harness.diff.Judgement;
import dev.losscompare.harness.diff.MetricDiff;
import dev.losscompare.harness.diff.SideResult;
import dev.losscompare.harness.diff.StepTable;
import dev.losscompare.harness.git.GitRepos;
import dev.losscompare.harness.git.ResolvedRevision;
import dev.losscompare.harness.git.RevisionResolver;
import dev.losscompare.harness.io.LossFile;
import dev.losscompare.harness.run.ActiveProcesses;
import dev.losscompare.harness.run.ChildProcess;
import dev.losscompare.harness.run.Progress;
import dev.losscompare.harness.run.RunOutcome;
import dev.losscompare.harness.run.TrainerArgs;
import dev.losscompare.reports.ReportWriter;
import dev.losscompare.reports.io.AtomicFiles;
import dev.losscompare.reports.model.CaseResult;
import dev.losscompare.reports.model.Comparison;
import dev.losscompare.reports.model.MetricResult;
import dev.losscompare.reports.model.Revision;
import dev.losscompare.reports.model.RunInfo;
import dev.losscompare.reports.model.RunSeries;
import dev.losscompare.reports.model.StepRecord;
import dev.losscompare.reports.model.UnreadableSeriesException;
import dev.losscompare.reports.model.Verdict;
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
            checkConfig(s, baseDir);
            checkConfig(s, testDir);
            List<String> firstOptions = new ArrayList<>(s.trainOptions());
            firstOptions.addAll(baseDir != null ? s.baselineOptions() : s.testOptions());
            CaseId id = CaseNaming.of(first.dir().resolve(s.config()), s.config(), firstOptions);

            Path out = OutputFolders.create(s.outputFolder(), s.cwd(),
                    base != null ? base.spec() : s.importResult().getFileName().toString(),
                    test != null ? test.spec() : "export", started);
            Path caseDir = Files.createDirectories(out.resolve(id.name()));
            Path seedFile = caseDir.resolve("seed_checkpoint.safetensors");
            Runnable cleanup = () -> {
                try {
                    Files.deleteIfExists(seedFile);
                } catch (IOException ignored) {
                    // best effort while the JVM stops
                }
                console.err().println("loss_compare: interrupted; stopped the trainer runs; no result written to " + show(out));
            };
            Interrupts.begin(cleanup);
            try {
                return new Flow(s, cache, id, out, caseDir, seedFile, base, test, baseDir, testDir, imported, started).run();
            } catch (SideRunner.Interrupted e) {
                return 130;
            } finally {
                Interrupts.done(cleanup);
                Files.deleteIfExists(seedFile);
            }
        }
    }

    private Materialized materialize(RevisionCache cache, String side, ResolvedRevision rev) throws IOException {
        Materialized m = cache.materialize(rev);
        console.out().println(side + ": " + rev.label() + (rev.subject() == null ? "" : " \"" + rev.subject() + "\"")
                + (m.reused() ? " (cached)" : ""));
        return m;
    }

    private void checkConfig(CompareSettings s, Materialized m) {
        if (m == null) return;
        if (!Files.isRegularFile(m.dir().resolve(s.config()))) {
            throw new UsageException("config " + s.config() + " does not exist in revision " + m.revision().label()
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
        Path abs = p.toAbsolutePath().normalize();
        return abs.startsWith(console.cwd()) && !abs.equals(console.cwd()) ? console.cwd().relativize(abs).toString() : abs.toString();
    }

    /** The state of one comparison in progress. */
    private final class Flow {
        private final CompareSettings s;
        private final RevisionCache cache;
        private final CaseId id;
        private final Path out;
        private final Path caseDir;
        private final Path seedFile;
        private final ResolvedRevision base;
        private final ResolvedRevision test;
        private final Materialized baseDir;
        private final Materialized testDir;
        private final RunSeries imported;
        private final Instant started;

        Flow(CompareSettings s, RevisionCache cache, CaseId id, Path out, Path caseDir, Path seedFile,
             ResolvedRevision base, ResolvedRevision test, Materialized baseDir, Materialized testDir,
             RunSeries imported, Instant started) {
            this.s = s;
            this.cache = cache;
            this.id = id;
            this.out = out;
            this.caseDir = caseDir;
            this.seedFile = seedFile;
            this.base = base;
            this.test = test;
            this.baseDir = baseDir;
            this.testDir = testDir;
            this.imported = imported;
            this.started = started;
        }

        int run() throws IOException, InterruptedException {
            String buildError = build("baseline", baseDir);
            if (buildError == null && testDir != null && (baseDir == null || !testDir.key().equals(baseDir.key()))) buildError = build("test", testDir);
            if (buildError != null) return finishWithError(buildError);

            Materialized seeder = baseDir != null ? baseDir : testDir;
            String seederSide = baseDir != null ? "baseline" : "test";
            if (s.seedCheckpoint()) {
                String seedError = createSeed(seederSide, seeder);
                if (seedError != null) return finishWithError(seedError);
            }
            Path seed = s.seedCheckpoint() ? seedFile : null;

            try (Progress progress = new Progress(console.err(), console.terminal())) {
                SideRunner runner = new SideRunner(out, caseDir, progress, s.timeout(), CompareRun.this::show);
                if (s.exportMode()) return export(runner.run("baseline", baseDir, args(baseDir, s.baselineOptions()), seed, false));
                SideResult baseline;
                SideResult tested;
                if (imported != null) {
                    baseline = importedSide();
                    tested = runner.run("test", testDir, args(testDir, s.testOptions()), seed, false);
                } else if (s.jobs() >= 2) {
                    List<SideResult> both = runBoth(runner, seed);
                    baseline = both.get(0);
                    tested = both.get(1);
                } else {
                    baseline = runner.run("baseline", baseDir, args(baseDir, s.baselineOptions()), seed, false);
                    tested = runner.run("test", testDir, args(testDir, s.testOptions()), seed, true);
                }
                return judge(baseline, tested);
            }
        }

        private List<SideResult> runBoth(SideRunner runner, Path seed) throws IOException, InterruptedException {
            ExecutorService pool = Executors.newFixedThreadPool(2);
            try {
                Future<SideResult> b = pool.submit(() -> runner.run("baseline", baseDir, args(baseDir, s.baselineOptions()), seed, false));
                Future<SideResult> t = pool.submit(() -> runner.run("test", testDir, args(testDir, s.testOptions()), seed, true));
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

        private TrainerArgs args(Materialized m, List<String> sideOptions) {
            List<String> opts = new ArrayList<>(s.trainOptions());
            opts.addAll(sideOptions);
            return new TrainerArgs(m.dir(), s.config(), s.steps(), s.seed(), s.threads(), opts);
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

        private String createSeed(String side, Materialized m) throws IOException {
            Path log = caseDir.resolve("seed_checkpoint.log");
            console.out().println("creating the seed checkpoint with " + side + " " + m.revision().spec() + " ...");
            TrainerArgs a = args(m, side.equals("baseline") ? s.baselineOptions() : s.testOptions());
            RunOutcome o = ChildProcess.run(a.seedCheckpointCommand(seedFile), m.dir(), log, s.timeout());
            if (o.interrupted()) throw new SideRunner.Interrupted();
            if (o.ok() && Files.isRegularFile(seedFile)) return null;
            String why = o.timedOut() ? "timed out" : o.ok() ? "no checkpoint file was written" : "exit " + o.exitCode();
            return "the " + side + " revision could not write a seed checkpoint (" + why + "): " + o.lastLine()
                    + "; rerun with --no-seed-checkpoint to let each run initialize itself; log: " + show(log);
        }

        private SideResult importedSide() throws IOException {
            Path file = caseDir.resolve("baseline.jsonl");
            StringBuilder jsonl = new StringBuilder();
            for (StepRecord r : imported.steps()) {
                jsonl.append("{\"step\":").append(r.step());
                r.values().forEach((k, v) -> jsonl.append(",\"").append(k).append("\":").append(v));
                if (r.dataFingerprint() != null) jsonl.append(",\"data_fingerprint\":\"").append(r.dataFingerprint()).append('"');
                jsonl.append("}\n");
            }
            AtomicFiles.writeString(file, jsonl.toString());
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

        private int judge(SideResult baseline, SideResult tested) throws IOException {
            if (ActiveProcesses.shuttingDown()) throw new SideRunner.Interrupted();
            Judgement j = CaseJudge.judge(id, baseline, tested, metrics(), s.mode(), s.steps());
            List<String> table = new ArrayList<>();
            for (MetricDiff d : j.diffs()) {
                console.out().println();
                StepTable.forConsole(d).forEach(console.out()::println);
                table.addAll(StepTable.full(d));
                table.add("");
            }
            if (!table.isEmpty()) AtomicFiles.writeString(caseDir.resolve("step_table.txt"), String.join("\n", table) + "\n");
            console.out().println();
            return finish(j.result(), j.verdictLine());
        }

        private int finishWithError(String error) throws IOException {
            RunInfo none = new RunInfo("baseline", List.of(), null, null, null, null, error, false, Map.of());
            RunInfo noneTest = new RunInfo("test", List.of(), null, null, null, null, error, false, Map.of());
            List<MetricResult> metrics = new ArrayList<>();
            for (String m : s.metrics()) metrics.add(new MetricResult(m, Verdict.ERROR, null, null, null, 0, 0, 0, 0, error));
            CaseResult r = new CaseResult(id.name(), id.model(), id.flavor(), id.config(), Verdict.ERROR, error, null,
                    none, noneTest, metrics);
            return finish(r, "ERROR " + id.label() + ": " + error);
        }

        private int export(SideResult baseline) throws IOException {
            if (ActiveProcesses.shuttingDown()) throw new SideRunner.Interrupted();
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

        private int finish(CaseResult result, String verdictLine) throws IOException {
            if (ActiveProcesses.shuttingDown()) throw new SideRunner.Interrupted();
            if (s.exportMode()) {
                console.err().println(verdictLine);
                return Main.USAGE;
            }
            Revision baseRev = base != null ? base.toModel()
                    : new Revision(s.importResult().toString(), null, "imported loss file", null, false);
            Comparison c = new Comparison(Comparison.SCHEMA_VERSION, imported != null ? "import" : "compare", baseRev,
                    test.toModel(), s.config(), s.steps(), s.seed(), s.threads(), metrics(), s.mode(),
                    started.toString(), java.time.Duration.between(started, Instant.now()).toMillis() / 1000.0, List.of(result));
            (result.verdict() == Verdict.ERROR ? console.err() : console.out()).println(verdictLine);
            Path report = ReportWriter.writeAll(out, c);
            console.out().println("report: " + show(report));
            return c.exitCode();
        }

    }
}
