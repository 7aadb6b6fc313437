package dev.losscompare.core.perf;

import java.util.ArrayList;
import java.util.List;

/**
 * The change of one quantity from alternated rounds (A B, B A, …): round r of each side ran next
 * to each other, so a drift of the machine moves both, and each round gives one ratio test / baseline
 * − 1. The change is the ratios' mean; the noise is the half-width of its 95% confidence interval
 * (Student's t over the ratios' spread, n − 1 degrees of freedom), so the interval holds 0 unless
 * the rounds show a change beyond what their own scatter explains, and it narrows as rounds are
 * added (unlike the range of the ratios, which only widens).
 */
public record PairedRounds(int pairs, double change, double noise) {
    /** Student's t, two-sided 95% (0.975 quantile), for 1..30 degrees of freedom. */
    private static final double[] T95 = {12.706, 4.303, 3.182, 2.776, 2.571, 2.447, 2.365, 2.306, 2.262, 2.228, 2.201, 2.179, 2.160,
            2.145, 2.131, 2.120, 2.110, 2.101, 2.093, 2.086, 2.080, 2.074, 2.069, 2.064, 2.060, 2.056, 2.052, 2.048, 2.045, 2.042};

    /** The paired change of {@code q}, or null when the sides are not paired rounds (fewer than 2, unequal, or a round lacks {@code q}). */
    public static PairedRounds of(PerfQuantity q, SidePerf baseline, SidePerf test) {
        if (baseline.runs() < 2 || baseline.runs() != test.runs()) return null;
        List<Double> ratios = new ArrayList<>();
        for (int r = 0; r < baseline.runs(); r++) {
            Double a = baseline.rounds().get(r).value(q), b = test.rounds().get(r).value(q);
            if (a == null || b == null || a == 0) return null;
            ratios.add(b / a - 1);
        }
        return of(ratios);
    }

    /** From the rounds' ratios test / baseline − 1 (at least 2). */
    public static PairedRounds of(List<Double> ratios) {
        int n = ratios.size();
        if (n < 2) throw new IllegalArgumentException("paired rounds need at least 2 ratios, got " + n);
        double mean = ratios.stream().mapToDouble(Double::doubleValue).average().orElseThrow();
        double squares = ratios.stream().mapToDouble(x -> (x - mean) * (x - mean)).sum();
        double standardError = Math.sqrt(squares / (n - 1) / n);
        return new PairedRounds(n, mean, t95(n - 1) * standardError);
    }

    /** The 0.975 quantile of Student's t with {@code df} degrees of freedom (1.96 beyond the table). */
    static double t95(int df) {
        return df <= T95.length ? T95[df - 1] : 1.96;
    }
}
