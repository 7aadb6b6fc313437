package dev.losscompare.reports.chart;

import java.util.Arrays;

/**
 * Min/max bucketing for plotting long series: each of {@code buckets} index ranges keeps its
 * smallest and largest point (and its first non-finite one, so gaps and spikes survive), in step
 * order, plus the run's first and last point. A 10,000-step series keeps every excursion a pixel
 * column can show. Plotting only: verdicts never see downsampled data.
 */
public final class Downsampler {
    private Downsampler() {}

    /** Returns {x, y}; the inputs themselves when they are short enough already. */
    public static double[][] minMax(double[] x, double[] y, int buckets) {
        int n = x.length;
        if (buckets < 1 || n <= 2L * buckets) return new double[][] {x, y};
        int[] keep = new int[5 * buckets];
        int k = 0;
        for (int b = 0; b < buckets; b++) {
            int from = (int) ((long) b * n / buckets);
            int to = (int) ((long) (b + 1) * n / buckets);
            int min = -1, max = -1, odd = -1;
            for (int i = from; i < to; i++) {
                double v = y[i];
                if (!Double.isFinite(v)) {
                    if (odd < 0) odd = i;
                    continue;
                }
                if (min < 0 || v < y[min]) min = i;
                if (max < 0 || v > y[max]) max = i;
            }
            // The ends are kept so the x axis spans exactly the run.
            int start = b == 0 ? 0 : -1, end = b == buckets - 1 ? n - 1 : -1;
            int[] picks = {min, max, odd, start, end};
            Arrays.sort(picks);
            int previous = -1;
            for (int p : picks) {
                if (p >= 0 && p != previous) keep[k++] = p;
                previous = p;
            }
        }
        double[] ox = new double[k], oy = new double[k];
        for (int i = 0; i < k; i++) {
            ox[i] = x[keep[i]];
            oy[i] = y[keep[i]];
        }
        return new double[][] {ox, oy};
    }
}
