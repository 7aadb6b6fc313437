package dev.losscompare.harness.engine;

import dev.losscompare.core.judge.SideResult;
import dev.losscompare.core.judge.StepCount;
import dev.losscompare.harness.run.ActiveProcesses;
import dev.losscompare.harness.run.Futures;
import dev.losscompare.harness.run.Progress;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * The one loop over cases every command runs: build the trained sides (each content once), then
 * per case take the seed checkpoint, get both sides' series (train a trained side, through the
 * result cache, in parallel with the other when both train and jobs ≥ 2; read a recorded one) and
 * hand them to a {@link CaseSink} — the report (compare, import, gate, diff), a probe verdict
 * (bisect), a golden (gate --update) or a loss file (export). A side may be absent (export and
 * gate --update train one side and judge nothing). Under a launcher that queues runs on a cluster,
 * every case and both sides are submitted at once.
 */
public final class CaseEngine {
    /**
     * What one run of the loop does: its session (console, output folder, caches), how every
     * trained side trains, the sides (null: absent), the cases, the seed checkpoints and how many
     * runs may go at once.
     */
    public record Plan(Session session, Training training, Side baseline, Side test, List<CaseSpec> cases, Seeds seeds, int jobs) {
        public Plan {
            cases = List.copyOf(cases);
            if (baseline == null && test == null) throw new IllegalArgumentException("a plan needs a side");
        }

        /** The trained sides, baseline first. */
        public List<TrainedSide> trained() {
            List<TrainedSide> out = new ArrayList<>();
            if (baseline != null && baseline.trained() != null) out.add(baseline.trained());
            if (test != null && test.trained() != null) out.add(test.trained());
            return out;
        }

        /** The steps a side's series must have (1..N), or null when its length is not known in advance. */
        public Integer expectedSteps(Side side) {
            if (!side.trainedLikeTheTest()) return null;
            return training.steps();
        }
    }

    /**
     * One case once its sides ran: each side's result (null: the plan has no such side, or
     * {@code error} stopped the case before it ran) and the seed checkpoint the runs loaded.
     */
    public record CaseRun(Plan plan, CaseSpec c, Path caseDir, SideResult baseline, SideResult test, String error, Seeds.Seed seed) {
        /** The result of the plan's only side (export, gate --update). */
        public SideResult only() {
            return baseline != null ? baseline : test;
        }

        /**
         * Why the plan's only side gave no run to record (the case could not run, the run failed,
         * it has no series, or not exactly the steps 1..N: {@code what} names the series in that
         * message), or null: one rule for every sink that records a run.
         */
        public String unusable(String what) {
            if (error != null) return error;
            SideResult r = only();
            if (r.failed()) return r.info().error();
            if (r.series() == null) return "no series";
            return StepCount.problem(r.series(), plan.training().steps(), what);
        }
    }

    /** Where the cases go once their sides ran; {@code finish} makes the command's result. */
    public interface CaseSink<R> {
        /** Called before each case; {@code buildError}: the comparison's build failed (the case will not run). */
        default void begin(Plan plan, CaseSpec c, String buildError) {}

        void accept(CaseRun run) throws IOException;

        R finish(Plan plan) throws IOException;
    }

    private CaseEngine() {}

    public static <R> R run(Plan plan, CaseSink<R> sink) throws IOException {
        Session session = plan.session();
        String buildError = Builds.buildAll(session, plan.trained());
        if (session.launcher().startsAllAtOnce() && plan.cases().size() > 1) {
            allAtOnce(plan, sink, buildError);
        } else {
            for (CaseSpec c : plan.cases()) {
                sink.begin(plan, c, buildError);
                sink.accept(caseRun(plan, c, buildError));
            }
        }
        if (ActiveProcesses.shuttingDown()) throw new Interrupted();
        return sink.finish(plan);
    }

    private static CaseRun caseRun(Plan plan, CaseSpec c, String buildError) throws IOException {
        Path caseDir = Files.createDirectories(plan.session().out().resolve(c.id().name()));
        String unusable = buildError != null ? buildError
                : plan.baseline() != null ? plan.baseline().unusable(c) : null;
        return unusable != null ? new CaseRun(plan, c, caseDir, null, null, unusable, Seeds.Seed.NONE) : runCase(plan, c, caseDir);
    }

    /**
     * A cluster queues every run: all cases are submitted at once, and the sink still sees them
     * one after another in suite order (its output stays as the local run's).
     */
    private static <R> void allAtOnce(Plan plan, CaseSink<R> sink, String buildError) throws IOException {
        ExecutorService pool = Executors.newFixedThreadPool(plan.cases().size());
        try {
            List<Future<CaseRun>> running = new ArrayList<>();
            for (CaseSpec c : plan.cases()) running.add(pool.submit(() -> caseRun(plan, c, buildError)));
            for (int i = 0; i < running.size(); i++) {
                sink.begin(plan, plan.cases().get(i), buildError);
                sink.accept(Futures.await(running.get(i), Interrupted::new));
            }
        } finally {
            pool.shutdownNow();
        }
    }

    private static CaseRun runCase(Plan plan, CaseSpec c, Path caseDir) throws IOException {
        // the side that trains first (the baseline when both do) may write the seed in its own run
        List<TrainedSide> trained = plan.trained();
        Seeds.Seed seed = plan.seeds().ofForRun(c, caseDir, trained.isEmpty() ? null : trained.get(0),
                plan.session().launcher().startsAllAtOnce());
        if (seed.error() != null) return new CaseRun(plan, c, caseDir, null, null, seed.error(), seed);
        SideResult base;
        SideResult tested;
        try (Progress progress = plan.session().progress()) {
            SideRunner runner = new SideRunner(plan.session(), plan.training(), caseDir, progress);
            boolean bothTrain = plan.baseline() != null && plan.baseline().trained() != null && plan.test() != null
                    && plan.test().trained() != null;
            if (bothTrain && (plan.jobs() >= 2 || plan.session().launcher().startsAllAtOnce())) {
                List<SideResult> both = inParallel(() -> plan.baseline().result(runner, c, caseDir, seed, false),
                        () -> run(plan, runner, plan.test(), c, caseDir, seed));
                base = both.get(0);
                tested = both.get(1);
            } else {
                // the baseline never explains a load failure as the other side's seed: it is the reference
                base = plan.baseline() == null ? null : plan.baseline().result(runner, c, caseDir, seed, false);
                tested = plan.test() == null ? null : run(plan, runner, plan.test(), c, caseDir, seed);
            }
        }
        if (ActiveProcesses.shuttingDown()) throw new Interrupted();
        Seeds.Seed loaded = plan.seeds().settle(c, caseDir, seed);
        if (loaded.error() != null) return new CaseRun(plan, c, caseDir, null, null, loaded.error(), loaded);
        return new CaseRun(plan, c, caseDir, base, tested, null, loaded);
    }

    private static SideResult run(Plan plan, SideRunner runner, Side side, CaseSpec c, Path caseDir, Seeds.Seed seed) throws IOException {
        return side.result(runner, c, caseDir, seed, seed.file() != null && plan.seeds().seeder() != side);
    }

    private interface SideRun {
        SideResult run() throws IOException;
    }

    private static List<SideResult> inParallel(SideRun baseline, SideRun test) throws IOException {
        ExecutorService pool = Executors.newFixedThreadPool(2);
        try {
            Future<SideResult> b = pool.submit(baseline::run);
            Future<SideResult> t = pool.submit(test::run);
            return List.of(Futures.await(b, Interrupted::new), Futures.await(t, Interrupted::new));
        } finally {
            pool.shutdownNow();
        }
    }
}
