package dev.losscompare.core.perf;

import dev.losscompare.core.series.RunSeries;
import java.util.ArrayList;
import java.util.List;

/**
 * The performance verdict of a case from both sides' runs (docs/architecture.md, "Performance").
 * Speed is throughput (tokens/s) where both sides carry it, else the step time; memory is the
 * peak. A change is measurable when it is larger than the noise: for alternated rounds the half-width
 * of the interval of the rounds' paired ratios ({@link PairedRounds}: 95%, shared out over the looks
 * that timing more rounds may take), else the larger of the
 * two sides' half-spreads (a golden's figures, lone runs: step to step). A measurable change beyond
 * a threshold is a performance FAIL; a change the noise hides while the slowdown could still be
 * beyond the threshold is a performance ERROR (it cannot be checked; the harness first times more
 * rounds). Where both
 * sides carry the process's CPU time per step, it is judged beside the wall-clock speed: a load
 * that stretches wall time leaves it nearly alone, so either one beyond the threshold FAILs, and
 * the speed is undecided only when neither could decide.
 */
public final class PerfJudge {
    /** Peak memory (resident pages, allocator arenas) moves by up to ~1% between identical runs. */
    public static final double MEMORY_FLOOR = 0.01;

    private PerfJudge() {}

    /** Null when neither side carries speed or memory and no threshold asks for it. */
    public static PerfVerdict judge(PerfWords words, String label, List<RunSeries> baselineRuns, List<RunSeries> testRuns, PerfThresholds t) {
        return judge(words, label, baselineRuns, testRuns, t, null);
    }

    /** {@code conditions}: how the rounds were run, for the line (e.g. "alternated one run at a time, load average 1.2-1.9"). */
    public static PerfVerdict judge(PerfWords words, String label, List<RunSeries> baselineRuns, List<RunSeries> testRuns,
                                    PerfThresholds t, String conditions) {
        return judge(words, label, baselineRuns, testRuns, t, conditions, 1);
    }

    /** {@code looks}: how many times these alternated rounds may be judged (1 + the times more rounds may be added). */
    public static PerfVerdict judge(PerfWords words, String label, List<RunSeries> baselineRuns, List<RunSeries> testRuns,
                                    PerfThresholds t, String conditions, int looks) {
        return judge(words, label, SidePerf.of(baselineRuns), SidePerf.of(testRuns), t, conditions, looks);
    }

    /**
     * The verdict from both sides' measurements; {@code looks} ≥ 1: round r of each side ran next to
     * each other (alternated), so the interval is that of the rounds' ratios, at the confidence its
     * looks leave each ({@link PairedRounds}); 0: not paired (a golden's recorded figures and today's
     * runs). {@code words}: how the line names the settings (the caller's: the command line's flags).
     */
    public static PerfVerdict judge(PerfWords words, String label, SidePerf a, SidePerf b, PerfThresholds t, String conditions,
                                    int looks) {
        if (looks < 0) throw new IllegalArgumentException("looks must be 0 (not paired) or more, got " + looks);
        boolean paired = looks > 0;
        RunPerf first = a.rounds().get(0);
        String method = (a.runs() >= 2 && b.runs() >= 2 ? "between " + Math.min(a.runs(), b.runs()) + " rounds of each side"
                : a.runs() == 1 && b.runs() == 1 ? "step to step, one run per side"
                : "between the rounds of the side timed " + Math.max(a.runs(), b.runs()) + " times, step to step for the other")
                + (conditions == null ? "" : " (" + conditions + ")")
                + (paired && PairedRounds.pairable(a, b) ? ", paired: " + PairedRounds.describe(looks) : "");
        if (!a.hasAny() && !b.hasAny()) {
            if (!t.any()) return null;
            return new PerfVerdict(PerfStatus.ERROR, PerfStatus.ERROR.label() + " " + label
                    + ": neither side's steps carry throughput, step time or memory, so the thresholds cannot be checked",
                    method, first.warmupSteps(), first.firstMeasuredStep(), first.lastStep(), List.of(), t, a, b);
        }
        List<PerfChange> changes = new ArrayList<>();
        PerfQuantity speed = both(a, b, PerfQuantity.THROUGHPUT) ? PerfQuantity.THROUGHPUT
                : both(a, b, PerfQuantity.STEP_TIME) ? PerfQuantity.STEP_TIME
                : either(a, b, PerfQuantity.THROUGHPUT) ? PerfQuantity.THROUGHPUT
                : either(a, b, PerfQuantity.STEP_TIME) ? PerfQuantity.STEP_TIME : null;
        if (speed != null) changes.add(change(speed, a, b, t.maxSlowdown(), looks));
        if (both(a, b, PerfQuantity.CPU_TIME)) changes.add(change(PerfQuantity.CPU_TIME, a, b, t.maxSlowdown(), looks));
        if (either(a, b, PerfQuantity.MEMORY)) changes.add(change(PerfQuantity.MEMORY, a, b, t.maxMemoryGrowth(), looks));
        for (PerfQuantity extra : List.of(PerfQuantity.TFLOPS, PerfQuantity.MFU)) {
            if (both(a, b, extra)) changes.add(change(extra, a, b, null, looks));
        }
        PerfStatus status = status(changes, t);
        String line = status.label() + " " + label + ": " + describe(words, changes, status) + "; noise measured " + method
                + (first.firstMeasuredStep() == null ? "" : "; median of steps " + first.firstMeasuredStep() + "-" + first.lastStep()
                + " (warm-up " + first.warmupSteps() + ")")
                + (status == PerfStatus.WARNING ? "; no " + unjudged(words, t) + " given, so this fails nothing" : "");
        return new PerfVerdict(status, withThresholds(words, line, t), method, first.warmupSteps(), first.firstMeasuredStep(), first.lastStep(),
                changes, t, a, b);
    }

    /** Every threshold given appears in the line as read ("10%"), so a misread number shows: those the line did not name yet. */
    private static String withThresholds(PerfWords words, String line, PerfThresholds t) {
        PerfThresholds unnamed = new PerfThresholds(line.contains(words.maxSlowdown() + "=") ? null : t.maxSlowdown(),
                line.contains(words.maxMemoryGrowth() + "=") ? null : t.maxMemoryGrowth());
        return unnamed.any() ? line + "; threshold as read: " + words.thresholdsAsRead(unnamed) : line;
    }

    /**
     * Figures measured in another environment (another machine, thread count, kernel set): never
     * compared, so never a false regression; the line says which keys differ.
     */
    public static PerfVerdict notComparable(String label, String why, PerfThresholds t) {
        return new PerfVerdict(PerfStatus.NOT_COMPARABLE, PerfStatus.NOT_COMPARABLE.label() + " " + label + ": " + why,
                "not measured in the same environment", 0, null, null, List.of(), t, null, null);
    }

    /** A threshold with no figures to check it against: a performance ERROR naming the threshold and how to get the figures. */
    public static PerfVerdict notChecked(PerfWords words, String label, String why, PerfThresholds t) {
        return new PerfVerdict(PerfStatus.ERROR, PerfStatus.ERROR.label() + " " + label + ": " + words.thresholdsAsRead(t)
                + " cannot be checked: " + why, "not measured", 0, null, null, List.of(), t, null, null);
    }

    /** A case whose timed rounds failed: a performance ERROR naming why (never a silent PASS). */
    public static PerfVerdict notTimed(String label, String why, PerfThresholds t) {
        return new PerfVerdict(PerfStatus.ERROR, PerfStatus.ERROR.label() + " " + label + ": cannot be checked, " + why,
                "alternated rounds (not completed)", 0, null, null, List.of(), t, null, null);
    }

    private static boolean both(SidePerf a, SidePerf b, PerfQuantity q) {
        return a.spread(q) != null && b.spread(q) != null;
    }

    private static boolean either(SidePerf a, SidePerf b, PerfQuantity q) {
        return a.spread(q) != null || b.spread(q) != null;
    }

    /** The thresholds a warning lacked: the memory one, or both. */
    private static String unjudged(PerfWords words, PerfThresholds t) {
        List<String> missing = new ArrayList<>();
        if (t.maxSlowdown() == null) missing.add(words.maxSlowdown());
        if (t.maxMemoryGrowth() == null) missing.add(words.maxMemoryGrowth());
        return String.join(" or ", missing);
    }

    private static PerfChange change(PerfQuantity q, SidePerf a, SidePerf b, Double threshold, int looks) {
        Spread sa = a.spread(q), sb = b.spread(q);
        if (sa == null || sb == null) {
            return new PerfChange(q, sa == null ? null : sa.median(), sb == null ? null : sb.median(), null, 0, null, null,
                    threshold, PerfOutcome.NOT_COMPARABLE);
        }
        // Alternated rounds pair up (PairedRounds: the ratios' mean against its interval); else the sides' medians
        // against the larger of their spreads.
        PairedRounds pairs = looks > 0 ? PairedRounds.of(q, a, b, looks) : null;
        double change = pairs != null ? pairs.change() : sb.median() / sa.median() - 1;
        double noise = pairs != null ? pairs.noise() : Math.max(a.noise(q), b.noise(q));
        if (q == PerfQuantity.MEMORY) noise = Math.max(noise, MEMORY_FLOOR);
        double[] interval = pairs != null ? new double[] {change - noise, change + noise} : interval(q, sa, sb);
        // A slowdown is a fall of throughput or a rise of step time; memory grows when it rises.
        double worse = q.higherIsBetter() ? -change : change;
        // Undecided when the slowdown could still be beyond the threshold (paired: the interval's worse end reaches past
        // it, whether or not the interval holds 0; unpaired, within the noise: the noise is as large as the threshold), so
        // more rounds or a quieter machine decide.
        boolean couldExceed = threshold != null && (pairs != null ? worse + noise > threshold : noise >= threshold);
        PerfOutcome outcome;
        if (Math.abs(change) > noise) {
            // Measured: beyond the threshold FAILs; within it passes only when the paired interval's worse end is too.
            if (threshold != null && worse > threshold) outcome = PerfOutcome.EXCEEDS;
            else outcome = pairs != null && couldExceed ? PerfOutcome.UNDECIDED : PerfOutcome.CHANGED;
        } else {
            outcome = couldExceed ? PerfOutcome.UNDECIDED : PerfOutcome.NO_CHANGE;
        }
        return new PerfChange(q, sa.median(), sb.median(), change, noise, interval[0], interval[1], threshold, outcome);
    }

    /** Unpaired sides (lone runs, a golden's figures): the quartiles of the steps, crossed; memory: the change itself. */
    private static double[] interval(PerfQuantity q, Spread sa, Spread sb) {
        if (q == PerfQuantity.MEMORY) return new double[] {sb.median() / sa.median() - 1, sb.median() / sa.median() - 1};
        return new double[] {sb.q1() / sa.q3() - 1, sb.q3() / sa.q1() - 1};
    }

    private static PerfStatus status(List<PerfChange> changes, PerfThresholds t) {
        boolean warn = false, undecided = false;
        boolean speedDecided = speedDecided(changes);
        for (PerfChange c : changes) {
            switch (c.outcome()) {
                case EXCEEDS -> { return PerfStatus.FAIL; }
                case UNDECIDED -> { if (!isSpeed(c.quantity()) || !speedDecided) undecided = true; }
                case NOT_COMPARABLE -> { if (c.threshold() != null) undecided = true; else warn = true; }
                case CHANGED -> { if (c.threshold() == null && isJudged(c.quantity())) warn = true; }
                case NO_CHANGE -> { }
            }
        }
        boolean missing = (t.maxSlowdown() != null && changes.stream().noneMatch(c -> isSpeed(c.quantity())))
                || (t.maxMemoryGrowth() != null && changes.stream().noneMatch(c -> c.quantity() == PerfQuantity.MEMORY));
        if (undecided || missing) return PerfStatus.ERROR;
        return warn ? PerfStatus.WARNING : PerfStatus.PASS;
    }

    private static String describe(PerfWords words, List<PerfChange> changes, PerfStatus status) {
        List<PerfChange> judged = changes.stream().filter(c -> isJudged(c.quantity())).toList();
        boolean quiet = judged.stream().allMatch(c -> c.outcome() == PerfOutcome.NO_CHANGE);
        List<String> parts = new ArrayList<>();
        if (quiet) {
            double noise = judged.stream().mapToDouble(PerfChange::noise).max().orElse(0);
            for (PerfChange c : judged) parts.add(c.quantity().label() + " " + PerfText.percent(c.change())
                    + " (" + values(c) + ")");
            return "no measurable change (noise " + PerfText.noise(noise) + "): " + String.join(", ", parts);
        }
        // tflops and mfu follow throughput (and are printed with 2 decimals): comparison.json and junit.xml carry them.
        boolean speedDecided = speedDecided(changes);
        for (PerfChange c : judged) parts.add(phrase(words, c, speedDecided));
        if (status == PerfStatus.ERROR && changes.isEmpty()) parts.add("nothing to compare");
        return String.join("; ", parts);
    }

    /** Some speed quantity stood out of its noise or stayed inside a noise below its threshold. */
    private static boolean speedDecided(List<PerfChange> changes) {
        return changes.stream().anyMatch(c -> isSpeed(c.quantity()) && (c.outcome() == PerfOutcome.NO_CHANGE
                || c.outcome() == PerfOutcome.CHANGED || c.outcome() == PerfOutcome.EXCEEDS));
    }

    private static String phrase(PerfWords words, PerfChange c, boolean speedDecided) {
        String name = c.quantity().label();
        String limit = c.threshold() == null ? "" : (isSpeed(c.quantity()) ? words.maxSlowdown() : words.maxMemoryGrowth()) + "="
                + PerfText.threshold(c.threshold());
        return switch (c.outcome()) {
            case NOT_COMPARABLE -> name + " not comparable (only the " + (c.baseline() != null ? "baseline's" : "test's")
                    + " steps carry it)";
            case NO_CHANGE -> name + ": no measurable change (" + PerfText.percent(c.change()) + ", noise "
                    + PerfText.noise(c.noise()) + ")";
            case UNDECIDED -> name + " " + PerfText.percent(c.change()) + " (" + values(c) + ") is "
                    + (Math.abs(c.change()) > c.noise() ? "beyond" : "within") + " its noise " + PerfText.noise(c.noise())
                    + (c.noise() >= c.threshold() || c.intervalLow() == null ? ", which is not below " + limit
                    : ", but its interval " + PerfText.percent(c.intervalLow()) + ".." + PerfText.percent(c.intervalHigh())
                    + " reaches beyond " + limit)
                    + (isSpeed(c.quantity()) && speedDecided ? (c.quantity() == PerfQuantity.CPU_TIME
                    ? " (the CPU time is not decided; the wall-clock speed decides)"
                    : " (the load moves the wall time; the CPU time decides)")
                    : ": cannot be checked (more " + words.rounds() + ", or a quieter machine)");
            case CHANGED, EXCEEDS -> name + " " + PerfText.percent(c.change()) + " (" + values(c)
                    + (c.intervalLow() == null || c.quantity() == PerfQuantity.MEMORY ? ""
                    : ", interval " + PerfText.percent(c.intervalLow()) + ".." + PerfText.percent(c.intervalHigh()))
                    + ", noise " + PerfText.noise(c.noise()) + ")"
                    + (c.outcome() == PerfOutcome.EXCEEDS ? " beyond " + limit : limit.isEmpty() ? "" : " within " + limit);
        };
    }

    private static String values(PerfChange c) {
        return PerfText.value(c.quantity(), c.baseline()) + " -> " + PerfText.value(c.quantity(), c.test());
    }

    private static boolean isSpeed(PerfQuantity q) {
        return q == PerfQuantity.THROUGHPUT || q == PerfQuantity.STEP_TIME || q == PerfQuantity.CPU_TIME;
    }

    /** Speed and memory are judged; tflops and mfu follow throughput and are only shown. */
    private static boolean isJudged(PerfQuantity q) {
        return isSpeed(q) || q == PerfQuantity.MEMORY;
    }
}
