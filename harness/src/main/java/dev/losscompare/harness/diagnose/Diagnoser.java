package dev.losscompare.harness.diagnose;

import dev.losscompare.core.judge.CaseJudge.CaseId;
import dev.losscompare.core.judge.Divergence;
import dev.losscompare.core.judge.Judgement;
import dev.losscompare.core.judge.MetricDiff;
import dev.losscompare.core.result.Diagnosis;
import dev.losscompare.core.result.Verdict;
import dev.losscompare.harness.Console;
import dev.losscompare.harness.adapter.TrainerSpec;
import dev.losscompare.harness.diagnose.TracedSide.TraceOutcome;
import dev.losscompare.harness.run.Futures;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.function.Supplier;

/**
 * After the judge: where two trained runs of a case part, and whether a seed checkpoint hides a
 * change of initialization. A FAIL on a value (or any case with {@link DiagnoseMode#FORCE}) re-runs
 * both sides up to the first divergent step with the trace ({@link TracedSide#traceTo}) and names
 * the first differing event ({@link DivergenceLocator}); every case that loads a seed checkpoint
 * compares each other side's own initial weights with it (one cached seed checkpoint per side) and
 * notes a difference. Files go to {@code <case>/diagnose/}.
 */
public final class Diagnoser {
    private final DiagnoseMode mode;
    private final int jobs;
    private final Console console;
    private final Supplier<RuntimeException> interrupted;

    /** @param interrupted what to throw when a traced re-run on another thread is interrupted */
    public Diagnoser(DiagnoseMode mode, int jobs, Console console, Supplier<RuntimeException> interrupted) {
        this.mode = mode;
        this.jobs = jobs;
        this.console = console;
        this.interrupted = interrupted;
    }

    /**
     * @param steps    the steps each run trained
     * @param seedFile the checkpoint both runs loaded (null: each initialized itself)
     * @param seeder   the side that wrote it (base, test, or a third revision such as bisect's GOOD)
     */
    public Judgement apply(CaseId c, Path caseDir, Judgement j, int steps, TracedSide base, TracedSide test, Path seedFile,
                           TracedSide seeder) throws IOException {
        Path dir = caseDir.resolve("diagnose");
        Judgement out = j;
        Integer k = stepsToTrace(j, steps);
        if (k != null) {
            Diagnosis d = diagnose(c, k, base, test, dir);
            out = new Judgement(out.result().withDiagnosis(d), out.diffs(), out.line().followedBy(d.verdictSuffix()));
        }
        // Both sides run this repository's trainer, so the checkpoint is its safetensors file.
        if (seedFile != null && base.ownTrainer() && test.ownTrainer()) {
            for (TracedSide side : List.of(base, test)) {
                if (side == seeder) continue;
                String note = initialization(side, seeder, seedFile, dir);
                if (note != null) out = out.withResult(out.result().withNote(note));
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

    private Diagnosis diagnose(CaseId c, int k, TracedSide base, TracedSide test, Path dir) throws IOException {
        for (TracedSide side : List.of(base, test)) {
            if (side.trace().equals(TrainerSpec.TRACE_NONE)) {
                return Diagnosis.unavailable("the " + side.role().word() + " side's trainer (adapter " + side.trainerName() + ") is not traced:"
                        + " its [trainer] says trace = \"none\" or its command is not started by python, python3 or torchrun"
                        + " (trace = \"pytorch\" traces any PyTorch program)");
            }
        }
        if (!base.trace().equals(test.trace())) {
            return Diagnosis.unavailable("the sides are traced differently (" + base.trace() + " and " + test.trace() + "): their traces"
                    + " cannot be compared");
        }
        boolean pytorch = base.trace().equals(TrainerSpec.TRACE_PYTORCH);
        if (base.ranks() != test.ranks()) {
            return Diagnosis.unavailable("the sides run " + base.ranks() + " and " + test.ranks()
                    + " ranks: each rank traces its own slice, so the traces differ by construction");
        }
        PrintStream out = console.out();
        out.println("diagnosing " + c.label() + ": re-running both sides for step" + (k == 1 ? " 1" : "s 1-" + k)
                + " with the trace ...");
        long started = System.nanoTime();
        // A PyTorch trainer may not be bitwise run to run (GPU atomics): its baseline is traced twice to tell.
        List<TraceOutcome> runs = traceAll(k, pytorch ? List.of(base, test, base) : List.of(base, test), dir);
        for (TraceOutcome o : runs) if (o.error() != null) return Diagnosis.unavailable(o.error());
        out.println("traces: baseline " + state(runs.get(0)) + ", test " + state(runs.get(1))
                + (pytorch ? ", the baseline's second run " + state(runs.get(2)) : "")
                + String.format(java.util.Locale.ROOT, " (%.1f s)", (System.nanoTime() - started) / 1e9));
        if (pytorch) {
            try {
                return PytorchLocation.locate(Trace.read(runs.get(0).trace()), Trace.read(runs.get(2).trace()),
                        Trace.read(runs.get(1).trace()), k, console.show(runs.get(0).trace()), console.show(runs.get(1).trace()));
            } catch (IOException | RuntimeException e) {
                // The tracer's failure is never the case's: the verdict stands, the location says what went wrong.
                return Diagnosis.unavailable("the PyTorch traces could not be compared: " + e.getMessage());
            }
        }
        Trace b = Trace.read(runs.get(0).trace()), t = Trace.read(runs.get(1).trace());
        for (int i = 0; i < 2; i++) {
            if (!(i == 0 ? b : t).complete()) {
                return Diagnosis.unavailable("the " + (i == 0 ? "baseline" : "test") + " trace has no end event (the traced run stopped"
                        + " early); " + console.show(runs.get(i).trace()));
            }
        }
        return DivergenceLocator.locate(b, t, k);
    }

    private static String state(TraceOutcome o) {
        return o.fromCache() ? "from cache" : "written";
    }

    /** Each side's traced run, in order; a side listed again is its next run. Two at a time with --jobs >= 2. */
    private List<TraceOutcome> traceAll(int k, List<TracedSide> sides, Path dir) throws IOException {
        List<TraceOutcome> out = new ArrayList<>();
        if (jobs < 2) {
            for (int i = 0; i < sides.size(); i++) out.add(sides.get(i).traceTo(k, dir, run(sides, i)));
            return out;
        }
        ExecutorService pool = Executors.newFixedThreadPool(2);
        try {
            List<Future<TraceOutcome>> futures = new ArrayList<>();
            for (int i = 0; i < sides.size(); i++) {
                TracedSide side = sides.get(i);
                int run = run(sides, i);
                futures.add(pool.submit(() -> side.traceTo(k, dir, run)));
            }
            for (Future<TraceOutcome> f : futures) out.add(Futures.await(f, interrupted));
            return out;
        } finally {
            pool.shutdownNow();
        }
    }

    /** 1 for a side's first appearance in the list, 2 for its second. */
    private static int run(List<TracedSide> sides, int i) {
        int run = 1;
        for (int j = 0; j < i; j++) if (sides.get(j) == sides.get(i)) run++;
        return run;
    }

    /**
     * A note when {@code side} initializes differently from the seed checkpoint the runs loaded
     * (both started from that checkpoint, so the series cannot show it); null when they agree.
     */
    private static String initialization(TracedSide side, TracedSide seeder, Path seedFile, Path dir) throws IOException {
        Files.createDirectories(dir);
        String role = side.role().word();
        Path own = dir.resolve(role + "_own_init.safetensors");
        try {
            String error = side.writeOwnSeed(dir, own, "checking the initialization of " + role + " "
                    + side.spec() + " (its own seed checkpoint against the one the runs loaded)");
            if (error != null) return "the " + role + " revision's own initialization could not be compared: " + error;
            InitialWeights.Difference d;
            try {
                d = InitialWeights.compare(seedFile, own);
            } catch (IOException e) {
                return "the " + role + " revision's own initialization could not be compared: " + e.getMessage();
            }
            if (d.none()) return null;
            List<String> parts = new ArrayList<>();
            if (!d.differing().isEmpty()) parts.add(d.differing().size() + " tensor" + (d.differing().size() == 1 ? "" : "s") + " differ ("
                    + names(d.differing()) + ")");
            if (!d.onlyInOwn().isEmpty()) parts.add("only in " + role + ": " + names(d.onlyInOwn()));
            if (!d.onlyInSeed().isEmpty()) parts.add("only in the seed checkpoint: " + names(d.onlyInSeed()));
            return "initialization differs: " + role + " " + side.spec() + " initializes otherwise than the seed"
                    + " checkpoint both runs loaded (written by " + seeder.role().word() + " " + seeder.spec() + "): "
                    + String.join("; ", parts) + "; the runs cannot show it (--no-seed-checkpoint compares each side's own initialization)";
        } finally {
            Files.deleteIfExists(own);
        }
    }

    private static String names(List<String> names) {
        return names.size() <= 5 ? String.join(", ", names) : String.join(", ", names.subList(0, 5)) + ", … " + (names.size() - 5) + " more";
    }
}
