package dev.losscompare.harness.pipeline;

import dev.losscompare.core.result.CaseResult;
import dev.losscompare.core.result.Comparison;
import dev.losscompare.core.series.RunSeries;
import dev.losscompare.core.result.Verdict;
import dev.losscompare.core.judge.CaseJudge;
import dev.losscompare.core.judge.CaseJudge.CaseMode;
import dev.losscompare.core.judge.Judgement;
import dev.losscompare.core.judge.MetricDiff;
import dev.losscompare.core.judge.SideResult;
import dev.losscompare.harness.adapter.OwnTrainer;
import dev.losscompare.harness.diagnose.DiagnoseMode;
import dev.losscompare.harness.diagnose.Diagnoser;
import dev.losscompare.harness.resume.ResumeStage;
import dev.losscompare.reports.text.StepTable;
import dev.losscompare.harness.run.ActiveProcesses;
import dev.losscompare.harness.run.Futures;
import dev.losscompare.harness.run.Progress;
import dev.losscompare.reports.ReportWriter;
import dev.losscompare.core.io.AtomicFiles;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * A comparison from build to report: a {@link Baseline} (trained, imported or golden), a trained
 * test revision, the cases, the judge, the reports. compare, --import-result and gate are this
 * class with different baselines; see docs/architecture.md for the data flow.
 */
public final class ComparePipeline {
    /** What the report header records besides the cases. */
    public record Header(String configLabel, Training training, Instant started) {}

    private final Session session;
    private final Baseline baseline;
    private final Side test;
    private final List<CaseSpec> cases;
    private final Judging judging;
    private final boolean seedCheckpoint;
    private final int jobs;
    private final Header header;
    private TrainedRevision seederOverride;
    private DiagnoseMode diagnoseMode;   // null: no diagnosis at all (gate, bisect's culprit report)
    private ResumeStage resume;          // null: no resume checks (bisect)

    public ComparePipeline(Session session, Baseline baseline, Side test, List<CaseSpec> cases, Judging judging,
                           boolean seedCheckpoint, int jobs, Header header) {
        this.session = session;
        this.baseline = baseline;
        this.test = test;
        this.cases = List.copyOf(cases);
        this.judging = judging;
        this.seedCheckpoint = seedCheckpoint;
        this.jobs = jobs;
        this.header = header;
    }

    /**
     * Seed every case from this revision instead of the baseline (bisect: every probe started
     * from GOOD's weights, so the report of parent vs culprit reuses their cached runs).
     */
    public ComparePipeline seededBy(TrainedRevision seeder) {
        this.seederOverride = seeder;
        return this;
    }

    /**
     * Diagnose the cases (compare): locate where the runs part ({@code mode}: --diagnose,
     * --no-diagnose, else a FAIL on a value) and check the test's own initialization against the
     * seed checkpoint. Without this call nothing is diagnosed.
     */
    public ComparePipeline diagnose(DiagnoseMode mode) {
        this.diagnoseMode = mode;
        return this;
    }

    /** Run the cases' resume checks (harness.resume) after each is judged: compare and gate. */
    public ComparePipeline resume(ResumeStage stage) {
        this.resume = stage;
        return this;
    }

    /** Runs every case and writes the reports; returns the exit code (0 match, 1 differ, 2 undecided). */
    public int run() throws IOException {
        String buildError = Builds.buildAll(baseline.trained(), test.trained());
        Seeds seeds = new Seeds(seedCheckpoint ? seeder() : null);
        List<Judgement> judgements = new ArrayList<>();
        try (seeds) {
            for (CaseSpec c : cases) {
                Path caseDir = Files.createDirectories(session.out().resolve(c.id().name()));
                if (cases.size() > 1) session.console().out().println("== " + c.id().label());
                String unusable = buildError != null ? buildError : baseline.unusable(c);
                judgements.add(unusable != null ? error(c, unusable) : runCase(c, caseDir, seeds));
            }
        }
        return finish(judgements);
    }

    /** The seed checkpoint comes from the baseline when it is trained, else from the test revision. */
    private TrainedRevision seeder() {
        if (seederOverride != null) return seederOverride;
        return baseline.trained() != null ? baseline.trained() : test.trained();
    }

    private Judgement runCase(CaseSpec c, Path caseDir, Seeds seeds) throws IOException {
        Seeds.Seed seed = seeds.create(c, caseDir);
        if (seed.error() != null) return error(c, seed.error());
        SideResult base;
        SideResult tested;
        try (Progress progress = session.progress()) {
            SideRunner runner = session.runner(caseDir, progress, header.training().timeout());
            TrainedRevision trainedBase = baseline.trained();
            TrainedRevision trainedTest = test.trained();
            boolean testLoadsOtherSide = seed.file() != null && seeds.seeder() != trainedTest;
            if (trainedBase != null && trainedTest != null && jobs >= 2) {
                List<SideResult> both = inParallel(runner, trainedBase, trainedTest, c, seed, testLoadsOtherSide);
                base = both.get(0);
                tested = both.get(1);
            } else {
                base = trainedBase == null ? baseline.series(c, caseDir) : trainedBase.run(runner, c, seed.file(), seed.key(), false);
                tested = trainedTest == null ? test.series(c, caseDir)
                        : trainedTest.run(runner, c, seed.file(), seed.key(), testLoadsOtherSide);
            }
        }
        if (ActiveProcesses.shuttingDown()) throw new SideRunner.Interrupted();
        String refused = baseline.refuse(c, tested);
        if (refused != null) return error(c, refused);
        CaseMode mode = baseline.mode(c, tested, judging.mode());
        Judgement j = CaseJudge.judge(c.id(), base, tested, metrics(base.series()), mode, baseline.expectedSteps(c),
                test.expectedSteps(c));
        if (resume != null) j = resume.apply(c, caseDir, j, baseline.trained(), test.trained(), base, tested, seed.file());
        if (diagnoseMode != null) j = new Diagnoser(diagnoseMode, jobs).apply(c, caseDir, j, baseline.trained(), test.trained(), seed.file(), seed.key(),
                seeds.seeder());
        stepTables(j, caseDir);
        return j;
    }

    private List<SideResult> inParallel(SideRunner runner, TrainedRevision trainedBase, TrainedRevision trainedTest, CaseSpec c,
                                        Seeds.Seed seed, boolean testLoadsOtherSide) throws IOException {
        ExecutorService pool = Executors.newFixedThreadPool(2);
        try {
            Future<SideResult> b = pool.submit(() -> trainedBase.run(runner, c, seed.file(), seed.key(), false));
            Future<SideResult> t = pool.submit(() -> trainedTest.run(runner, c, seed.file(), seed.key(), testLoadsOtherSide));
            return List.of(get(b), get(t));
        } finally {
            pool.shutdownNow();
        }
    }

    private static SideResult get(Future<SideResult> f) throws IOException {
        return Futures.await(f, SideRunner.Interrupted::new);
    }

    /**
     * With the default metrics and a baseline that is not this repository's trainer (a file, a
     * foreign trainer), only the metrics the baseline has: a loss-only log is common. Our own
     * trainer always writes both, so a missing one stays an ERROR there.
     */
    private List<String> metrics(RunSeries baselineSeries) {
        TrainedRevision trained = baseline.trained();
        boolean ownTrainer = trained != null && trained.adapter() == OwnTrainer.INSTANCE;
        if (ownTrainer || judging.metricsGiven() || baselineSeries == null) return judging.metrics();
        List<String> present = judging.metrics().stream()
                .filter(m -> baselineSeries.steps().stream().anyMatch(r -> r.value(m) != null)).toList();
        return present.isEmpty() ? judging.metrics() : present;
    }

    private Judgement error(CaseSpec c, String why) {
        return CaseJudge.error(c.id(), why, judging.metrics(), CaseJudge.notRun(baseline.trained() != null ? "baseline" : "golden"),
                CaseJudge.notRun("test"), null);
    }

    /** The step tables go to the console for a lone case and for suite cases that did not pass; all go to step_table.txt. */
    private void stepTables(Judgement j, Path caseDir) throws IOException {
        boolean print = cases.size() == 1 || j.result().verdict() != Verdict.PASS;
        List<String> table = new ArrayList<>();
        for (MetricDiff d : j.diffs()) {
            if (print) {
                session.console().out().println();
                StepTable.forConsole(d).forEach(session.console().out()::println);
            }
            table.addAll(StepTable.full(d));
            table.add("");
        }
        if (!table.isEmpty()) AtomicFiles.writeString(caseDir.resolve("step_table.txt"), String.join("\n", table) + "\n");
        if (print) session.console().out().println();
    }

    private String label(CaseResult r) {
        return cases.stream().filter(c -> c.id().name().equals(r.name())).findFirst().map(c -> c.id().label()).orElse(r.name());
    }

    private int finish(List<Judgement> judgements) throws IOException {
        if (ActiveProcesses.shuttingDown()) throw new SideRunner.Interrupted();
        List<CaseResult> results = judgements.stream().map(Judgement::result).toList();
        List<String> metrics = results.size() == 1 && !results.get(0).metrics().isEmpty()
                ? results.get(0).metrics().stream().map(m -> m.metric()).toList() : judging.metrics();
        Training t = header.training();
        Comparison c = new Comparison(Comparison.SCHEMA_VERSION, baseline.kind(), baseline.describe(),
                test.describe(), header.configLabel(), t.steps(), t.seed(), t.threads(), metrics, judging.mode(),
                header.started().toString(), Duration.between(header.started(), Instant.now()).toMillis() / 1000.0, results);
        for (Judgement j : judgements) {
            (j.result().verdict() == Verdict.ERROR ? session.console().err() : session.console().out()).println(j.verdictLine());
            String label = label(j.result());
            if (j.result().diagnosis() != null && j.result().diagnosis().explanation(label) != null) {
                session.console().out().println(j.result().diagnosis().explanation(label));
            }
            if (j.result().note() != null) session.console().out().println("note for " + label + ": " + j.result().note());
        }
        if (results.size() > 1) SignoffTable.lines(c).forEach(session.console().out()::println);
        Path report = ReportWriter.writeAll(session.out(), c);
        session.console().out().println("report: " + session.show(report));
        return c.exitCode();
    }
}
