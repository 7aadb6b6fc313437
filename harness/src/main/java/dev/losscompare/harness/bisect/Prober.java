package dev.losscompare.harness.bisect;

import dev.losscompare.harness.Wording;
import dev.losscompare.core.judge.Judgement;
import dev.losscompare.core.judge.Role;
import dev.losscompare.harness.UsageException;
import dev.losscompare.harness.adapter.TrainerAdapter;
import dev.losscompare.harness.cache.Materialized;
import dev.losscompare.harness.engine.CaseCheck;
import dev.losscompare.harness.engine.CaseEngine;
import dev.losscompare.harness.engine.CaseJudging;
import dev.losscompare.harness.engine.CaseSpec;
import dev.losscompare.harness.engine.Judging;
import dev.losscompare.harness.engine.RecordedSide;
import dev.losscompare.harness.engine.Seeds;
import dev.losscompare.harness.engine.Session;
import dev.losscompare.harness.engine.TrainedSide;
import dev.losscompare.harness.engine.Training;
import dev.losscompare.harness.engine.Workspace;
import dev.losscompare.harness.perf.PerfRequest;
import dev.losscompare.harness.perf.PerfStage;
import dev.losscompare.harness.resume.ResumeRequest;
import dev.losscompare.harness.resume.ResumeStage;
import dev.losscompare.harness.suite.SuiteCase;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Probes one commit: materialize it, then run the engine with the reference as the baseline (GOOD's
 * runs or the goldens) and the commit as the test, from GOOD's seed checkpoints, each run through
 * the result cache, judged exactly as compare judges. A commit that cannot be materialized, built
 * or run is skipped, with the reason. Safe to call from several threads at once.
 */
public final class Prober {
    /** How every probe trains: the same settings and trainer for each commit, so probes are comparable with GOOD. */
    public record Plan(List<SuiteCase> suiteCases, List<CaseSpec> cases, List<String> inputs, List<String> options, Training training,
                Judging judging, Duration buildTimeout, boolean useResultCache, TrainerAdapter trainer, TrainerAdapter goodTrainer,
                Integer ngpus, ResumeRequest resume, PerfRequest perf) {
        /** A probe is bad when its performance verdict FAILs (thresholds given), not when its numbers move. */
        public boolean byPerformance() {
            return perf != null;
        }

        /**
         * One side of this plan: the same trainer adapter and ranks everywhere (null ranks: each case's),
         * in GOOD's environment (--baseline-env) for the baseline, the probes' (--test-env) for the test.
         */
        public TrainedSide side(Role role, Materialized tree) {
            return new TrainedSide(role, tree, options, role == Role.BASELINE ? goodTrainer : trainer, ngpus);
        }

        /** A plan of these cases (the suite's, as named, and the paths their trainer reads), its other parts set by name. */
        public static Builder builder(List<SuiteCase> suiteCases, List<CaseSpec> cases, List<String> inputs) {
            return new Builder(suiteCases, cases, inputs);
        }

        /** The plan's thirteen parts in four groups: how the runs train, with which trainers, how they build, how they are judged. */
        public static final class Builder {
            private final List<SuiteCase> suiteCases;
            private final List<CaseSpec> cases;
            private final List<String> inputs;
            private List<String> options = List.of();
            private Training training;
            private Integer ngpus;
            private TrainerAdapter trainer;
            private TrainerAdapter goodTrainer;
            private Duration buildTimeout;
            private boolean useResultCache;
            private Judging judging;
            private ResumeRequest resume;
            private PerfRequest perf;

            private Builder(List<SuiteCase> suiteCases, List<CaseSpec> cases, List<String> inputs) {
                this.suiteCases = suiteCases;
                this.cases = cases;
                this.inputs = inputs;
            }

            /** The trainer options, training settings and ranks (null: each case's) of every run. */
            public Builder training(List<String> trainOptions, Training settings, Integer ranks) {
                this.options = trainOptions;
                this.training = settings;
                this.ngpus = ranks;
                return this;
            }

            /** The probes' trainer (--test-env) and GOOD's (--baseline-env). */
            public Builder trainers(TrainerAdapter probes, TrainerAdapter good) {
                this.trainer = probes;
                this.goodTrainer = good;
                return this;
            }

            public Builder builds(Duration timeout, boolean resultCache) {
                this.buildTimeout = timeout;
                this.useResultCache = resultCache;
                return this;
            }

            /** How a probe is judged: the judging, the resume check (null: none), the performance request (null: by its numbers). */
            public Builder judging(Judging how, ResumeRequest resumeCheck, PerfRequest performance) {
                this.judging = how;
                this.resume = resumeCheck;
                this.perf = performance;
                return this;
            }

            public Plan build() {
                return new Plan(suiteCases, cases, inputs, options, training, judging, buildTimeout, useResultCache, trainer, goodTrainer,
                        ngpus, resume, perf);
            }
        }
    }

    private final Workspace ws;
    private final Plan plan;
    private final RecordedSide reference;
    private final Seeds seeds;
    private final TrainedSide good;
    private final Map<Integer, Materialized> trees = new ConcurrentHashMap<>();

    /**
     * @param seeds the seed checkpoints GOOD wrote for its own runs (none: every run initializes itself)
     * @param good  GOOD's revision, timed beside each probe for the performance verdict
     */
    Prober(Workspace ws, Plan plan, RecordedSide reference, Seeds seeds, TrainedSide good) {
        this.ws = ws;
        this.plan = plan;
        this.reference = reference;
        this.seeds = seeds;
        this.good = good;
    }

    /** The materialized tree of a probed commit (for the report of parent vs culprit), or null. */
    Materialized tree(int index) {
        return trees.get(index);
    }

    Probe probe(int index, Commit commit, Path dir) throws IOException {
        long start = System.nanoTime();
        Materialized tree;
        try {
            synchronized (ws) {   // one materialization at a time: they share the repository's reader
                tree = ws.materialize("probe", commit.toRevision(), plan.inputs(),
                        dev.losscompare.harness.adapter.InEnvironment.of(plan.trainer()));
            }
            Workspace.checkConfigs(plan.suiteCases(), tree, null, Wording.COMMAND_LINE);
        } catch (UsageException cannotCheckOut) {
            return Probe.skipped(index, commit, cannotCheckOut.getMessage(), seconds(start));
        }
        trees.put(index, tree);
        Session session = ws.session(dir, plan.useResultCache(), plan.buildTimeout());
        CaseEngine.Plan run = new CaseEngine.Plan(session, plan.training(), reference, plan.side(Role.TEST, tree), plan.cases(), seeds, 1);
        return CaseEngine.run(run, new ProbeSink(index, commit, new CaseJudging(plan.judging()),
                List.of(new ResumeStage(plan.resume()), new PerfStage(plan.perf(), good)), plan.byPerformance(), start));
    }

    /** A probe's verdict: SAME, DIFFERS, or SKIPPED when the commit does not build or a case could not be decided. */
    private static final class ProbeSink implements CaseEngine.CaseSink<Probe> {
        private final int index;
        private final Commit commit;
        private final CaseJudging judging;
        private final List<CaseCheck> checks;
        private final boolean byPerformance;
        private final long start;
        private final List<Judgement> judgements = new ArrayList<>();
        private String buildError;

        ProbeSink(int index, Commit commit, CaseJudging judging, List<CaseCheck> checks, boolean byPerformance, long start) {
            this.index = index;
            this.commit = commit;
            this.judging = judging;
            this.checks = checks;
            this.byPerformance = byPerformance;
            this.start = start;
        }

        @Override
        public void begin(CaseEngine.Plan plan, CaseSpec c, String buildError) {
            this.buildError = buildError;
        }

        @Override
        public void accept(CaseEngine.CaseRun run) throws IOException {
            if (buildError != null) return;
            // The probed commit's resume check too (its case's resume_at, or --resume-at): a commit that breaks resuming DIFFERS;
            // and its performance verdict when thresholds were given.
            CaseJudging.Decision d = judging.judge(run);
            Judgement j = d.judgement();
            if (d.compared()) for (CaseCheck check : checks) j = check.apply(run, j);
            judgements.add(j);
        }

        @Override
        public Probe finish(CaseEngine.Plan plan) {
            if (buildError != null) return Probe.skipped(index, commit, buildError, seconds(start));
            return Probe.judged(index, commit, judgements, byPerformance, seconds(start));
        }
    }

    private static double seconds(long start) {
        return (System.nanoTime() - start) / 1e9;
    }
}
