package dev.losscompare.core.perf;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/** The median of some values and how they spread: quartiles (linear interpolation), min, max, count. */
public record Spread(double median, double q1, double q3, double min, double max, int count) {
    public static Spread of(List<Double> values) {
        if (values.isEmpty()) throw new IllegalArgumentException("no values");
        List<Double> sorted = new ArrayList<>(values);
        Collections.sort(sorted);
        return new Spread(quantile(sorted, 0.5), quantile(sorted, 0.25), quantile(sorted, 0.75),
                sorted.get(0), sorted.get(sorted.size() - 1), sorted.size());
    }

    /** Half the interquartile range, relative to the median: the step-to-step noise of one run. */
    public double halfIqrRelative() {
        return median == 0 ? 0 : (q3 - q1) / 2 / median;
    }

    /** Half the range, relative to the median: the noise between rounds of one side. */
    public double halfRangeRelative() {
        return median == 0 ? 0 : (max - min) / 2 / median;
    }

    private static double quantile(List<Double> sorted, double q) {
        double pos = q * (sorted.size() - 1);
        int lo = (int) Math.floor(pos);
        int hi = (int) Math.ceil(pos);
        return sorted.get(lo) + (sorted.get(hi) - sorted.get(lo)) * (pos - lo);
    }
}
