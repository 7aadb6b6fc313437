package dev.losscompare.harness.api;

import dev.losscompare.core.text.Setting;
import dev.losscompare.core.judge.ComparisonMode;
import dev.losscompare.core.judge.Role;
import dev.losscompare.core.series.DefaultMetrics;
import dev.losscompare.harness.adapter.InEnvironment;
import dev.losscompare.harness.adapter.TrainerAdapter;
import dev.losscompare.harness.Console;
import dev.losscompare.harness.UsageException;
import dev.losscompare.harness.bisect.BisectRecord;
import dev.losscompare.harness.bisect.Bisection;
import dev.losscompare.harness.bisect.FirstParentPath;
import dev.losscompare.harness.bisect.Prober;
import dev.losscompare.harness.cache.Materialized;
import dev.losscompare.harness.engine.CaseSpec;
import dev.losscompare.harness.engine.Judging;
import dev.losscompare.harness.engine.TrainedSide;
import dev.losscompare.harness.engine.OutputFolders;
import dev.losscompare.harness.engine.Training;
import dev.losscompare.harness.engine.Workspace;
import dev.losscompare.harness.gate.GoldenStore;
import dev.losscompare.harness.git.GitRepos;
import dev.losscompare.harness.git.ResolvedRevision;
import dev.losscompare.harness.perf.PerfRequest;
import dev.losscompare.harness.resume.ResumeRequest;
import dev.losscompare.harness.run.Kernels;
import dev.losscompare.harness.suite.Suite;
import dev.losscompare.harness.suite.SuiteCase;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.eclipse.jgit.lib.Repository;

/**
 * bisect: the first commit on BAD's first-parent path after GOOD whose series differ from GOOD's
 * (or, with {@link #setAgainstGoldens}, that fails the gate; with {@link #setMaxSlowdown} or
 * {@link #setMaxMemoryGrowth}, whose performance verdict FAILs: {@link #setPerf} times GOOD beside
 * each probe, {@link #setPerfRounds} rounds per side alternated with GOOD, and needs a threshold).
 * The result is bisect.json's record.
 */
public final class Bisect extends TrainingVerb<Bisect, BisectRecord> implements JudgingVerb<Bisect>, SuiteVerb<Bisect>, ResumingVerb<Bisect>,
        TimedPerfVerb<Bisect>, EnvironmentVerb<Bisect> {
    private final String good;
    private final String bad;
    private final JudgeSettings judge = settings().judge;
    private final SuiteSettings suite = settings().suite;
    private final PerfSettings perf = settings().perf;
    private Integer jobs;
    private boolean againstGoldens;
    private Path goldenDir;

    Bisect(LossCompare lc, String good, String bad) {
        super(lc);
        this.good = good;
        this.bad = bad;
    }

    /** --jobs: commits probed at once (k-ary search); default 2 when the machine has cores for two runs, else 1. */
    public Bisect setJobs(int jobs) {
        this.jobs = jobs;
        return this;
    }

    /** --against-goldens: the first commit whose gate fails (the suite's [gate] settings decide how commits train). */
    public Bisect setAgainstGoldens(boolean against) {
        this.againstGoldens = against;
        return this;
    }

    /** --golden-dir: with --against-goldens, where the goldens live (default configs/golden). */
    public Bisect setGoldenDir(Path dir) {
        this.goldenDir = dir;
        return this;
    }

    @Override
    public BisectRecord call() throws IOException {
        Console console = lc.console();
        if (goldenDir != null && !againstGoldens) {
            throw new UsageException(Setting.GOLDEN_DIR, words().name(Setting.GOLDEN_DIR) + " needs " + words().name(Setting.AGAINST_GOLDENS));
        }
        if (againstGoldens) {
            List<String> given = new ArrayList<>(given());
            given.addAll(judge.given());
            if (!given.isEmpty()) {
                throw new UsageException(Setting.AGAINST_GOLDENS, given.get(0) + " cannot be combined with " + words().name(Setting.AGAINST_GOLDENS) + ": the suite's [gate] "
                        + "settings decide how each commit trains, as gate runs it");
            }
            if (environments.name(Role.BASELINE) != null) {
                throw new UsageException(Setting.BASELINE_ENV, words().name(Setting.BASELINE_ENV) + " cannot be combined with " + words().name(Setting.AGAINST_GOLDENS)
                        + ": the goldens are the reference (use " + words().name(Setting.TEST_ENV) + " for the probed commits)");
            }
        }
        Suite suiteRead = suite.read(console, againstGoldens);
        if (suiteRead != null && configGiven()) {
            throw new UsageException(Setting.CONFIG, words().name(Setting.CONFIG) + " cannot be combined with " + words().name(Setting.SUITE)
                    + ": each case of " + console.show(suite.file(console, false))
                    + " names its own config");
        }
        List<SuiteCase> suiteCases = suiteRead == null ? List.of(new SuiteCase(null, config(), List.of())) : suiteRead.cases();
        List<String> inputs = suiteRead == null ? List.of() : suiteRead.inputs();
        Training t = againstGoldens ? Training.ofGate(suiteRead.gate(), Kernels.PORTABLE, timeout) : training(suiteRead);
        Integer ranks = ngpus();
        List<String> options = againstGoldens ? suiteRead.gate().trainOptions() : trainOptions();
        Judging judging = againstGoldens ? new Judging(ComparisonMode.bitwise(), DefaultMetrics.ALL, false) : judge.judging(lc.console());
        ResumeRequest resume = new ResumeRequest(settings().resumeAt, false).checked(t.steps(), suiteCases, false, words());
        PerfRequest perfRequest = perf.timed(suiteRead == null ? null : suiteRead.perf());
        if (perfRequest != null && !perfRequest.thresholds().any()) {
            throw new UsageException(Setting.PERF, "bisect " + words().name(Setting.PERF) + " needs " + words().withValue(Setting.MAX_SLOWDOWN, "P") + " or "
                    + words().withValue(Setting.MAX_MEMORY_GROWTH, "P") + ": a probe is bad when its performance FAILs");
        }
        if (perfRequest != null && jobs != null && jobs > 1) {
            throw new UsageException(Setting.JOBS, words().withValue(Setting.JOBS, jobs.toString()) + " with a performance threshold: probes are timed"
                    + " one run at a time (two at once would disturb each other's clocks); leave " + words().name(Setting.JOBS) + " out");
        }
        // Timed probes run one at a time: two at once would share the cores.
        int probesAtOnce = perfRequest != null ? 1 : Jobs.runsAtOnce(jobs, Threads.effective(t.threads(), options), words());
        Bisection.Goldens goldens = againstGoldens
                ? new Bisection.Goldens(new GoldenStore(console.cwd().resolve(goldenDir == null ? GoldenStore.DEFAULT_DIR : goldenDir), words()),
                        suiteRead.gate())
                : null;
        String suiteLabel = suiteRead == null ? null : console.show(suite.file(console, againstGoldens));
        Instant started = Instant.now();
        try (Workspace ws = lc.workspace(suiteRead, timeout)) {
            TrainerAdapter goodAdapter = adapter(suiteRead, Role.BASELINE);
            TrainerAdapter adapter = adapter(suiteRead, Role.TEST);
            ws.fromWorkingTree(adapter.fromWorkingTree());
            ResolvedRevision goodRev = ws.resolve(good);
            ResolvedRevision badRev = ws.resolve(bad);
            FirstParentPath.Range range;
            try (Repository r = GitRepos.open(lc.repoDir())) {
                range = FirstParentPath.between(r, goodRev, badRev);
            }
            Materialized goodTree = ws.materialize("good", goodRev, inputs, InEnvironment.of(goodAdapter));
            Workspace.checkConfigs(suiteCases, goodTree, suiteLabel, words());
            List<CaseSpec> cases = Workspace.cases(suiteCases, goodTree, options);
            judging.checkNoise(cases, t, againstGoldens ? null : new TrainedSide(Role.BASELINE, goodTree, options, goodAdapter, ranks));
            Path out = OutputFolders.create(words(), outputFolder, console.cwd(), "bisect-" + good, bad, started);
            try (PrintStream log = new PrintStream(Files.newOutputStream(out.resolve("bisect.log")), true, StandardCharsets.UTF_8);
                 Workspace quiet = lc.through(new Console(console.cwd(), console.env(), log, log, false)).workspace(ws.launcher())) {
                quiet.fromWorkingTree(adapter.fromWorkingTree());
                Prober.Plan plan = Prober.Plan.builder(suiteCases, cases, inputs).training(options, t, ranks)
                        .trainers(adapter, goodAdapter).builds(buildTimeout, lc.resultCache()).judging(judging, resume, perfRequest).build();
                String label = suiteLabel != null ? suiteLabel : config();
                Bisection bisection = new Bisection(console, quiet, out, range, goodTree, plan,
                        new Bisection.Request(good, bad, probesAtOnce, !againstGoldens && seedCheckpoint(adapter), label, goldens, words()));
                return ws.guarded(out, bisection::run);
            }
        }
    }
}
