package dev.losscompare.core.perf;

import java.util.ArrayList;
import java.util.List;
import org.apache.commons.math3.distribution.TDistribution;

/**
 * The change of one quantity from alternated rounds (A B, B A, …): round r of each side ran next
 * to each other, so a drift of the machine moves both, and each round gives one ratio test / baseline
 * − 1. The change is the ratios' mean; the noise is the half-width of its confidence interval
 * (Student's t over the ratios' spread, n − 1 degrees of freedom), so the interval holds 0 unless
 * the rounds show a change beyond what their own scatter explains, and it narrows as rounds are
 * added (unlike the range of the ratios, which only widens).
 *
 * <p>The interval pays for its looks: when the harness may time more rounds while undecided and
 * judge again, each judgement is one more chance for noise to exclude 0. With L looks each interval
 * is at 1 − 5%/L (Bonferroni), so over all of them a change that is not there leaves its 95%
 * family-wise interval with a chance of at most 5%. One look: the plain 95% interval.
 */
public record PairedRounds(int pairs, double change, double noise) {
    /** The family-wise error over every look: 5%, a 95% interval when there is one look. */
    static final double FAMILY_ERROR = 0.05;

    /** Whether the sides are alternated rounds that pair up: at least 2 each, as many on both. */
    static boolean pairable(SidePerf baseline, SidePerf test) {
        return baseline.runs() >= 2 && baseline.runs() == test.runs();
    }

    /**
     * The paired change of {@code q}, or null when the sides are not paired rounds (fewer than 2,
     * unequal, or a round lacks {@code q}); {@code looks}: how many times these rounds may be judged
     * (1 + the times more rounds may be added).
     */
    public static PairedRounds of(PerfQuantity q, SidePerf baseline, SidePerf test, int looks) {
        if (!pairable(baseline, test)) return null;
        List<Double> ratios = new ArrayList<>();
        for (int r = 0; r < baseline.runs(); r++) {
            Double a = baseline.rounds().get(r).value(q), b = test.rounds().get(r).value(q);
            if (a == null || b == null || a == 0) return null;
            ratios.add(b / a - 1);
        }
        return of(ratios, looks);
    }

    /** From the rounds' ratios test / baseline − 1 (at least 2). */
    public static PairedRounds of(List<Double> ratios, int looks) {
        int n = ratios.size();
        if (n < 2) throw new IllegalArgumentException("paired rounds need at least 2 ratios, got " + n);
        double mean = ratios.stream().mapToDouble(Double::doubleValue).average().orElseThrow();
        double squares = ratios.stream().mapToDouble(x -> (x - mean) * (x - mean)).sum();
        double standardError = Math.sqrt(squares / (n - 1) / n);
        return new PairedRounds(n, mean, t(n - 1, confidence(looks)) * standardError);
    }

    /** Each look's two-sided confidence: 1 − 5%/looks (0.95 for one look, 0.9875 for four). */
    public static double confidence(int looks) {
        if (looks < 1) throw new IllegalArgumentException("looks must be at least 1, got " + looks);
        return 1 - FAMILY_ERROR / looks;
    }

    /** The two-sided {@code confidence} quantile of Student's t with {@code df} degrees of freedom. */
    static double t(int df, double confidence) {
        return new TDistribution(null, df).inverseCumulativeProbability(1 - (1 - confidence) / 2);
    }

    /** How the interval is named in a verdict line: "the 95% interval of …", or per look "the 98.75% interval of … (95% over the 4 looks …)". */
    public static String describe(int looks) {
        String each = PerfText.confidence(confidence(looks));
        return looks == 1 ? "the " + each + " interval of the rounds' ratios"
                : "the " + each + " interval of the rounds' ratios (" + PerfText.confidence(1 - FAMILY_ERROR) + " over the " + looks
                        + " looks that timing more rounds may take)";
    }
}
