package dev.losscompare.harness.diagnose;

import dev.losscompare.core.result.Diagnosis;
import dev.losscompare.core.result.Verdict;
import dev.losscompare.core.judge.Divergence;
import dev.losscompare.core.judge.Judgement;
import dev.losscompare.core.judge.MetricDiff;
import dev.losscompare.harness.adapter.OwnTrainer;
import dev.losscompare.harness.pipeline.CaseSpec;
import dev.losscompare.harness.pipeline.SideRunner;
import dev.losscompare.harness.pipeline.TrainedRevision;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * After the judge: where two trained runs of a case part, and whether a seed checkpoint hides a
 * change of initialization. A FAIL on a value (or any case with {@link DiagnoseMode#FORCE}) re-runs
 * both sides up to the first divergent step with the trace and names the first differing event
 * ({@link DivergenceLocator}); every case that loads a seed checkpoint compares each other side's
 * own initial weights with it (one cached seed checkpoint per side) and notes a difference.
 * Files go to {@code <case>/diagnose/}.
 */
public final class Diagnoser {
    private final DiagnoseMode mode;
    private final int jobs;

    public Diagnoser(DiagnoseMode mode, int jobs) {
        this.mode = mode;
        this.jobs = jobs;
    }

    /**
     * @param seedFile the checkpoint both runs loaded (null: each initialized itself), {@code seedKey} its cache key
     * @param seeder   the revision that wrote it
     */
    public Judgement apply(CaseSpec c, Path caseDir, Judgement j, TrainedRevision base, TrainedRevision test, Path seedFile,
                           String seedKey, TrainedRevision seeder) throws IOException {
        if (base == null || test == null) return j;   // a golden or a file has no trainer to re-run
        Path dir = caseDir.resolve("diagnose");
        Judgement out = j;
        Integer k = stepsToTrace(j, test.training().steps());
        if (k != null) {
            Diagnosis d = diagnose(c, k, base, test, seedFile, seedKey, dir);
            out = new Judgement(out.result().withDiagnosis(d), out.diffs(), out.verdictLine() + d.verdictSuffix());
        }
        if (seedFile != null && seedFile.getFileName().toString().endsWith(".safetensors") && ownTrainer(base) && ownTrainer(test)) {
            for (TrainedRevision side : List.of(base, test)) {
                if (side == seeder) continue;
                String note = initialization(c, side, seeder, seedFile, dir);
                if (note != null) out = new Judgement(out.result().withNote(note), out.diffs(), out.verdictLine());
            }
        }
        return out;
    }

    /** The steps to trace: up to the first step whose values differ; with --diagnose, a case without one is traced whole. */
    Integer stepsToTrace(Judgement j, int steps) {
        if (mode == DiagnoseMode.OFF || j.result().verdict() == Verdict.ERROR) return null;
        Integer first = null;
        for (MetricDiff d : j.diffs()) {
            Divergence div = d.divergence();
            if (div != null && div.reason().isValueDifference() && (first == null || div.step() < first)) first = div.step();
        }
        if (j.result().verdict() == Verdict.FAIL && first != null) return first;
        return mode == DiagnoseMode.FORCE ? steps : null;
    }

    private Diagnosis diagnose(CaseSpec c, int k, TrainedRevision base, TrainedRevision test, Path seedFile, String seedKey, Path dir)
            throws IOException {
        for (TrainedRevision side : List.of(base, test)) {
            if (!ownTrainer(side)) {
                return Diagnosis.unavailable("the " + side.role() + " side runs the " + side.adapter().name() + " trainer adapter, which"
                        + " writes no trace (only this repository's trainer, adapter loss_compare, does)");
            }
        }
        if (base.ngpus(c) != test.ngpus(c)) {
            return Diagnosis.unavailable("the sides run " + base.ngpus(c) + " and " + test.ngpus(c)
                    + " ranks: each rank traces its own slice, so the traces differ by construction");
        }
        PrintStream console = test.session().console().out();
        console.println("diagnosing " + c.id().label() + ": re-running both sides for step" + (k == 1 ? " 1" : "s 1-" + k)
                + " with the trace ...");
        long started = System.nanoTime();
        List<TracedRun.Outcome> runs = traceBoth(c, k, base, test, seedFile, seedKey, dir);
        for (TracedRun.Outcome o : runs) if (o.error() != null) return Diagnosis.unavailable(o.error());
        console.println("traces: baseline " + (runs.get(0).fromCache() ? "from cache" : "written") + ", test "
                + (runs.get(1).fromCache() ? "from cache" : "written") + String.format(java.util.Locale.ROOT, " (%.1f s)",
                (System.nanoTime() - started) / 1e9));
        Trace b = Trace.read(runs.get(0).trace()), t = Trace.read(runs.get(1).trace());
        for (int i = 0; i < 2; i++) {
            if (!(i == 0 ? b : t).complete()) {
                return Diagnosis.unavailable("the " + (i == 0 ? "baseline" : "test") + " trace has no end event (the traced run stopped"
                        + " early); " + test.session().show(runs.get(i).trace()));
            }
        }
        return DivergenceLocator.locate(b, t, k);
    }

    private List<TracedRun.Outcome> traceBoth(CaseSpec c, int k, TrainedRevision base, TrainedRevision test, Path seedFile, String seedKey,
                                              Path dir) throws IOException {
        if (jobs < 2) {
            return List.of(TracedRun.run(base, c, k, seedFile, seedKey, dir), TracedRun.run(test, c, k, seedFile, seedKey, dir));
        }
        ExecutorService pool = Executors.newFixedThreadPool(2);
        try {
            Future<TracedRun.Outcome> b = pool.submit(() -> TracedRun.run(base, c, k, seedFile, seedKey, dir));
            Future<TracedRun.Outcome> t = pool.submit(() -> TracedRun.run(test, c, k, seedFile, seedKey, dir));
            return List.of(get(b), get(t));
        } finally {
            pool.shutdownNow();
        }
    }

    /**
     * A note when {@code side} initializes differently from the seed checkpoint the runs loaded
     * (both started from that checkpoint, so the series cannot show it); null when they agree.
     */
    private static String initialization(CaseSpec c, TrainedRevision side, TrainedRevision seeder, Path seedFile, Path dir)
            throws IOException {
        Files.createDirectories(dir);
        Path own = dir.resolve(side.role() + "_own_init.safetensors");
        try {
            String error = side.createSeed(c, dir, own, "checking the initialization of " + side.role() + " "
                    + side.tree().revision().spec() + " (its own seed checkpoint against the one the runs loaded) ...");
            if (error != null) return "the " + side.role() + " revision's own initialization could not be compared: " + error;
            InitialWeights.Difference d;
            try {
                d = InitialWeights.compare(seedFile, own);
            } catch (IOException e) {
                return "the " + side.role() + " revision's own initialization could not be compared: " + e.getMessage();
            }
            if (d.none()) return null;
            List<String> parts = new ArrayList<>();
            if (!d.differing().isEmpty()) parts.add(d.differing().size() + " tensor" + (d.differing().size() == 1 ? "" : "s") + " differ ("
                    + names(d.differing()) + ")");
            if (!d.onlyInOwn().isEmpty()) parts.add("only in " + side.role() + ": " + names(d.onlyInOwn()));
            if (!d.onlyInSeed().isEmpty()) parts.add("only in the seed checkpoint: " + names(d.onlyInSeed()));
            return "initialization differs: " + side.role() + " " + side.tree().revision().spec() + " initializes otherwise than the seed"
                    + " checkpoint both runs loaded (written by " + seeder.role() + " " + seeder.tree().revision().spec() + "): "
                    + String.join("; ", parts) + "; the runs cannot show it (--no-seed-checkpoint compares each side's own initialization)";
        } finally {
            Files.deleteIfExists(own);
        }
    }

    private static String names(List<String> names) {
        return names.size() <= 5 ? String.join(", ", names) : String.join(", ", names.subList(0, 5)) + ", … " + (names.size() - 5) + " more";
    }

    private static boolean ownTrainer(TrainedRevision side) {
        return side.adapter() == OwnTrainer.INSTANCE;
    }

    private static TracedRun.Outcome get(Future<TracedRun.Outcome> f) throws IOException {
        try {
            return f.get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new SideRunner.Interrupted();
        } catch (ExecutionException e) {
            if (e.getCause() instanceof IOException io) throw io;
            if (e.getCause() instanceof RuntimeException re) throw re;
            throw new IOException(e.getCause());
        }
    }
}
