package dev.losscompare.core.judge;

import dev.losscompare.core.series.RunSeries;
import dev.losscompare.core.series.StepRecord;
import java.util.ArrayList;
import java.util.List;

/**
 * The one rule for a complete series of N steps: the steps 1..N, each once, in order. Steps
 * after N are not part of the run asked for (a loop that counts from 0 and logs 0..N, a final
 * step logged twice) and are left out of the comparison, with a note; a step missing or repeated
 * inside 1..N, or a step below 1, keeps the series incomplete.
 */
public final class StepCount {
    private StepCount() {}

    /** Null when the series has exactly steps 1..expected (steps after it aside); else a line naming the side. */
    public static String problem(RunSeries series, int expected, String side) {
        if (isComplete(series, expected)) return null;
        return "the " + side + " series has " + shape(series, expected) + ", expected steps 1.." + expected;
    }

    /** The problem of both sides in one line ("both series have 4 steps, ..." when they share it), or null. */
    public static String problem(SideResult baseline, Integer baselineExpected, SideResult test, Integer testExpected) {
        String b = baselineExpected == null ? null : problem(baseline.series(), baselineExpected, baseline.info().side());
        String t = testExpected == null ? null : problem(test.series(), testExpected, test.info().side());
        if (b != null && t != null && baselineExpected.equals(testExpected)
                && shape(baseline.series(), testExpected).equals(shape(test.series(), testExpected))) {
            return "both series have " + shape(test.series(), testExpected) + ", expected steps 1.." + testExpected;
        }
        return b == null ? t : t == null ? b : b + "; " + t;
    }

    /** Steps 1..expected, each once and in order, before any step after {@code expected}. */
    public static boolean isComplete(RunSeries series, int expected) {
        List<StepRecord> steps = upTo(series, expected).steps();
        if (steps.size() != expected) return false;
        for (int i = 0; i < steps.size(); i++) if (steps.get(i).step() != i + 1) return false;
        return true;
    }

    /** The series without its steps after {@code last} (the same series when it has none). */
    public static RunSeries upTo(RunSeries series, int last) {
        if (beyond(series, last) == 0) return series;
        List<StepRecord> kept = new ArrayList<>();
        for (StepRecord s : series.steps()) if (s.step() <= last) kept.add(s);
        return new RunSeries(series.meta(), kept);
    }

    /** How many logged steps come after {@code last}. */
    public static int beyond(RunSeries series, int last) {
        int n = 0;
        for (StepRecord s : series.steps()) if (s.step() > last) n++;
        return n;
    }

    /** "4 steps", "step 3 twice", "step 4 missing", "5 steps numbered 0..4": what is wrong, for the message. */
    private static String shape(RunSeries whole, int expected) {
        List<StepRecord> steps = upTo(whole, expected).steps();
        if (steps.isEmpty()) return whole.steps().isEmpty() ? "no steps" : "no steps up to " + expected;
        if (steps.get(0).step() < 1) return steps.size() + " steps numbered " + steps.get(0).step() + ".." + steps.get(steps.size() - 1).step();
        for (int i = 1; i < steps.size(); i++) {
            if (steps.get(i).step() == steps.get(i - 1).step()) return "step " + steps.get(i).step() + " twice";
        }
        if (steps.size() < expected) {
            for (int i = 0; i < steps.size(); i++) if (steps.get(i).step() != i + 1) return "step " + (i + 1) + " missing";
            return steps.size() + " steps";
        }
        if (steps.size() != expected) return steps.size() + " steps";
        return steps.size() + " steps numbered " + steps.get(0).step() + ".." + steps.get(steps.size() - 1).step();
    }
}
