package dev.losscompare.harness.bisect;

import dev.losscompare.harness.noise.NoiseEnvelopes;

import dev.losscompare.core.judge.CaseJudge;
import dev.losscompare.core.judge.CaseJudge.CaseMode;
import dev.losscompare.core.judge.Judgement;
import dev.losscompare.core.judge.SideResult;
import dev.losscompare.harness.UsageException;
import dev.losscompare.harness.cache.Materialized;
import dev.losscompare.harness.pipeline.Baseline;
import dev.losscompare.harness.pipeline.CaseSpec;
import dev.losscompare.harness.pipeline.Judging;
import dev.losscompare.harness.pipeline.Seeds;
import dev.losscompare.harness.pipeline.Session;
import dev.losscompare.harness.pipeline.TrainedRevision;
import dev.losscompare.harness.pipeline.Training;
import dev.losscompare.harness.pipeline.Workspace;
import dev.losscompare.harness.suite.SuiteCase;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import dev.losscompare.harness.adapter.TrainerAdapter;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Probes one commit: materialize, build, train every case from the reference's seed checkpoint
 * (each run through the result cache), and judge each case against the reference exactly as
 * compare would. A commit that cannot be materialized, built or run is skipped, with the reason.
 * Safe to call from several threads at once.
 */
public final class Prober {
    /** How every probe trains: the same settings and trainer for each commit, so probes are comparable with GOOD. */
    public record Plan(List<SuiteCase> suiteCases, List<CaseSpec> cases, List<String> inputs, List<String> options, Training training,
                Judging judging, Duration buildTimeout, boolean useResultCache, TrainerAdapter trainer, NoiseEnvelopes noise) {
        /** One side of this plan in {@code session}: the same trainer adapter everywhere; ranks from the cases. */
        public TrainedRevision side(String role, Materialized tree, Session session) {
            return new TrainedRevision(role, tree, options, training, session, trainer, null);
        }
    }

    private final Workspace ws;
    private final Plan plan;
    private final Baseline reference;
    private final Map<String, Seeds.Seed> seeds;
    private final Map<Integer, Materialized> trees = new ConcurrentHashMap<>();

    /** @param seeds each case's seed checkpoint written by GOOD (empty: every run initializes itself) */
    Prober(Workspace ws, Plan plan, Baseline reference, Map<String, Seeds.Seed> seeds) {
        this.ws = ws;
        this.plan = plan;
        this.reference = reference;
        this.seeds = Map.copyOf(seeds);
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
                tree = ws.materialize("probe", commit.toRevision(), plan.inputs());
            }
            Workspace.checkConfigs(plan.suiteCases(), tree);
        } catch (UsageException cannotCheckOut) {
            return Probe.skipped(index, commit, cannotCheckOut.getMessage(), seconds(start));
        }
        trees.put(index, tree);
        Session session = ws.session(dir, plan.useResultCache(), plan.buildTimeout());
        TrainedRevision revision = plan.side("test", tree, session);
        String buildError = revision.build();
        if (buildError != null) return Probe.skipped(index, commit, buildError, seconds(start));
        List<Judgement> judgements = new ArrayList<>();
        for (CaseSpec c : plan.cases()) {
            Path caseDir = dir.resolve(c.id().name());
            Seeds.Seed seed = seeds.get(c.id().name());
            Path seedFile = seed == null ? null : seed.file();
            SideResult run = revision.runAlone(c, caseDir, seedFile, seed == null ? null : seed.key(), seedFile != null);
            judgements.add(judge(c, caseDir, run));
        }
        return Probe.judged(index, commit, judgements, seconds(start));
    }

    private Judgement judge(CaseSpec c, Path caseDir, SideResult run) throws IOException {
        SideResult ref = reference.series(c, caseDir);
        String refused = reference.refuse(c, run);
        if (refused != null) {
            return CaseJudge.error(c.id(), refused, plan.judging().metrics(), ref.info(), run.info(), null);
        }
        CaseMode mode = reference.mode(c, run, plan.judging().mode());
        if (plan.noise() != null) {
            var choice = plan.noise().choose(NoiseEnvelopes.settingsOf(c, reference.trained() != null ? reference.trained() : null,
                    plan.judging().metrics()), mode);
            if (choice.error() != null) return CaseJudge.error(c.id(), choice.error(), plan.judging().metrics(), ref.info(), run.info(), null);
            mode = choice.mode();
        }
        return CaseJudge.judge(c.id(), ref, run, plan.judging().metrics(), mode, reference.expectedSteps(c),
                plan.training().steps());
    }

    private static double seconds(long start) {
        return (System.nanoTime() - start) / 1e9;
    }
}
