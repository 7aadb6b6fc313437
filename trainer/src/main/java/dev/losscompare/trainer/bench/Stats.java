package dev.losscompare.trainer.bench;

import java.util.List;

/** Median, min, max and mean of a few measurements (the median of an even count is the upper middle). */
record Stats(double median, double min, double max, double mean) {
    static Stats of(List<Double> values) {
        if (values.isEmpty()) throw new IllegalArgumentException("no measurements");
        double[] sorted = values.stream().mapToDouble(Double::doubleValue).sorted().toArray();
        double sum = 0;
        for (double v : sorted) sum += v;
        return new Stats(sorted[sorted.length / 2], sorted[0], sorted[sorted.length - 1], sum / sorted.length);
    }
}
