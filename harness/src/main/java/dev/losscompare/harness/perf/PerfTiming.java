package dev.losscompare.harness.perf;

import dev.losscompare.core.judge.SideResult;
import dev.losscompare.core.perf.PerfQuantity;
import dev.losscompare.core.perf.PerfText;
import dev.losscompare.core.perf.RunPerf;
import dev.losscompare.core.series.RunSeries;
import dev.losscompare.harness.engine.CaseSpec;
import dev.losscompare.harness.engine.Seeds;
import dev.losscompare.harness.engine.Session;
import dev.losscompare.harness.engine.TrainedSide;
import dev.losscompare.harness.engine.Training;
import dev.losscompare.harness.engine.VariantRuns;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Times both sides of a case for the performance verdict: rounds alternated A B, B A, A B, …
 * (A the baseline, B the test; {@link #order}), one run at a time (two runs at once would share
 * the cores and disturb each other's clocks), never from the result cache, with the case's own
 * arguments (threads, kernel set and the pinned settings of run_train.sh) and its seed checkpoint. Round r's files are in
 * {@code <case>/perf/round<r>/}.
 */
public final class PerfTiming {
    /** Both sides' rounds and the load average seen around them; {@code error}: a round failed. */
    public record Rounds(List<RunSeries> baseline, List<RunSeries> test, String error, double minLoad, double maxLoad) {
        String conditions() {
            return String.format(Locale.ROOT, "alternated %s (A baseline, B test) one run at a time, load average %.1f-%.1f",
                    orderText(baseline.size()), minLoad, maxLoad);
        }

        /** One side's rounds (timeOne): how they ran. */
        public String aloneConditions() {
            return String.format(Locale.ROOT, "%d rounds, one run at a time, load average %.1f-%.1f", baseline.size(), minLoad, maxLoad);
        }
    }

    private PerfTiming() {}

    static Rounds time(Session session, Training training, CaseSpec c, Path caseDir, int rounds, TrainedSide base, TrainedSide test,
                       Seeds.Seed seed) throws IOException {
        return rounds(session, training, c, caseDir, 1, rounds, List.of(base, test), seed);
    }

    /** {@code extra} rounds more after {@code done}, continuing its order (round n+1 goes on as {@link #order} says); all of them. */
    static Rounds more(Session session, Training training, CaseSpec c, Path caseDir, Rounds done, int extra, TrainedSide base,
                       TrainedSide test, Seeds.Seed seed) throws IOException {
        int n = done.baseline().size();
        Rounds added = rounds(session, training, c, caseDir, n + 1, n + extra, List.of(base, test), seed);
        if (added.error() != null) return added;
        List<RunSeries> baseline = new ArrayList<>(done.baseline()), tests = new ArrayList<>(done.test());
        baseline.addAll(added.baseline());
        tests.addAll(added.test());
        return new Rounds(baseline, tests, null, Math.min(done.minLoad(), added.minLoad()), Math.max(done.maxLoad(), added.maxLoad()));
    }

    /**
     * One side alone, {@code rounds} times one run at a time (the gate's working tree, whose
     * baseline is a golden's recorded figures); its rounds are {@link Rounds#baseline()}.
     */
    public static Rounds timeOne(Session session, Training training, CaseSpec c, Path caseDir, int rounds, TrainedSide side, Seeds.Seed seed)
            throws IOException {
        return rounds(session, training, c, caseDir, 1, rounds, List.of(side), seed);
    }

    /**
     * The order round {@code r} (from 1) runs its sides in, as indices into them: A B in odd
     * rounds, B A in even ones (A B B A A B …), so each side runs first as often as the rounds
     * allow and a machine that drifts (warms up, fills up, quietens) does not favour the side
     * that always goes first.
     */
    static List<Integer> order(int r, int sides) {
        List<Integer> order = new ArrayList<>();
        for (int i = 0; i < sides; i++) order.add(r % 2 == 1 ? i : sides - 1 - i);
        return order;
    }

    /** The order of {@code n} rounds of two sides, for the line: "A B, B A, A B". */
    static String orderText(int n) {
        List<String> rounds = new ArrayList<>();
        for (int r = 1; r <= n; r++) rounds.add(String.join(" ", order(r, 2).stream().map(i -> i == 0 ? "A" : "B").toList()));
        return String.join(", ", rounds);
    }

    /** Rounds {@code first..n} of {@code sides}, in {@link #order}, one run at a time; round r's files in {@code <case>/perf/round<r>/}. */
    private static Rounds rounds(Session session, Training training, CaseSpec c, Path caseDir, int first, int n, List<TrainedSide> sides,
                                 Seeds.Seed seed) throws IOException {
        // the result cache would hand back another run's clocks
        Session uncached = new Session(session.console(), session.out(), session.revisions(), null, session.buildTimeout(),
                session.launcher());
        List<List<RunSeries>> runs = new ArrayList<>();
        for (int i = 0; i < sides.size(); i++) runs.add(new ArrayList<>());
        double minLoad = Double.POSITIVE_INFINITY, maxLoad = 0;
        for (int r = first; r <= n; r++) {
            Path dir = caseDir.resolve("perf").resolve("round" + r);
            double load = load();
            List<String> rates = new ArrayList<>();
            for (int i : order(r, sides.size())) {
                SideResult x = once(uncached, training, sides.get(i), c, dir, seed);
                if (x.failed() || x.series() == null) {
                    return new Rounds(List.of(), List.of(), "a timed round failed: " + (x.info().error() != null ? x.info().error()
                            : "no series"), 0, 0);
                }
                runs.get(i).add(x.series());
                rates.add(sides.get(i).role().word() + " " + rate(x.series()));
            }
            load = Math.max(load, load());
            minLoad = Math.min(minLoad, load);
            maxLoad = Math.max(maxLoad, load);
            session.console().out().println(String.format(Locale.ROOT, "timing %s: round %d of %d: %s (load average %.1f)",
                    c.id().label(), r, n, String.join(", ", rates), load));
        }
        return new Rounds(runs.get(0), runs.size() > 1 ? runs.get(1) : List.of(), null, minLoad, maxLoad);
    }

    private static SideResult once(Session session, Training training, TrainedSide side, CaseSpec c, Path dir, Seeds.Seed seed)
            throws IOException {
        var variant = new VariantRuns.Variant(side.role().word(), side.args(c, training), seed.file(), seed.key());
        return VariantRuns.run(session, training, side, dir, List.of(variant), 1).get(0);
    }

    private static String rate(RunSeries s) {
        RunPerf p = RunPerf.of(s);
        List<String> parts = new ArrayList<>();
        for (PerfQuantity q : List.of(PerfQuantity.THROUGHPUT, PerfQuantity.STEP_TIME, PerfQuantity.CPU_TIME)) {
            if (p.value(q) == null || (q == PerfQuantity.STEP_TIME && p.value(PerfQuantity.THROUGHPUT) != null)) continue;
            parts.add(PerfText.value(q, p.value(q)) + (q == PerfQuantity.THROUGHPUT ? "" : q == PerfQuantity.CPU_TIME ? " CPU/step" : "/step"));
        }
        return parts.isEmpty() ? "no timing" : String.join(", ", parts);
    }

    /** The 1-minute load average (runnable processes): the machine is shared, so every figure states it. */
    public static double load() {
        return Math.max(0, ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage());
    }
}
