package dev.losscompare.core.judge;

import dev.losscompare.core.series.RunSeries;
import dev.losscompare.core.series.StepRecord;
import java.util.List;

/** The one rule for a complete series: exactly the steps 1..N, in order. */
public final class StepCount {
    private StepCount() {}

    /** Null when the series has exactly steps 1..expected; else a line naming the side. */
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

    public static boolean isComplete(RunSeries series, int expected) {
        List<StepRecord> steps = series.steps();
        if (steps.size() != expected) return false;
        for (int i = 0; i < steps.size(); i++) if (steps.get(i).step() != i + 1) return false;
        return true;
    }

    /** "4 steps", or "5 steps numbered 0..4" when the count is right but the numbering is not. */
    private static String shape(RunSeries series, int expected) {
        List<StepRecord> steps = series.steps();
        if (steps.isEmpty()) return "no steps";
        if (steps.size() != expected) return steps.size() + " steps";
        return steps.size() + " steps numbered " + steps.get(0).step() + ".." + steps.get(steps.size() - 1).step();
    }
}
