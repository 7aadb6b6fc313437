package dev.losscompare.domain.judge;

import dev.losscompare.domain.RunSeries;
import dev.losscompare.domain.StepRecord;
import java.util.List;

/** The one rule for a complete series: exactly the steps 1..N, in order. */
public final class StepCount {
    private StepCount() {}

    /** Null when the series has exactly steps 1..expected; else a line naming the side. */
    public static String problem(RunSeries series, int expected, String side) {
        List<StepRecord> steps = series.steps();
        if (isComplete(series, expected)) return null;
        String got = steps.isEmpty() ? "no steps"
                : steps.size() + " steps (" + steps.get(0).step() + ".." + steps.get(steps.size() - 1).step() + ")";
        return "the " + side + " series has " + got + ", expected steps 1.." + expected;
    }

    public static boolean isComplete(RunSeries series, int expected) {
        List<StepRecord> steps = series.steps();
        if (steps.size() != expected) return false;
        for (int i = 0; i < steps.size(); i++) if (steps.get(i).step() != i + 1) return false;
        return true;
    }
}
