package dev.losscompare.harness.engine;

import dev.losscompare.core.judge.ComparisonMode;
import java.util.List;

/**
 * How the judge compares: the requested mode, the metrics (metricsGiven: named by the user, not
 * the default) and where the cases' noise envelopes are (null: no case is judged against noise).
 */
public record Judging(ComparisonMode mode, List<String> metrics, boolean metricsGiven, NoiseEnvelopes noise) {
    public static final List<String> DEFAULT_METRICS = List.of("loss", "grad_norm");

    public Judging {
        metrics = List.copyOf(metrics);
    }

    public Judging(ComparisonMode mode, List<String> metrics, boolean metricsGiven) {
        this(mode, metrics, metricsGiven, null);
    }

    /** The same judging against {@code envelopes}. */
    public Judging withNoise(NoiseEnvelopes envelopes) {
        return new Judging(mode, metrics, metricsGiven, envelopes);
    }

    /**
     * Reads the envelopes these cases may be judged against before anything trains (see
     * {@link NoiseEnvelopes#check}); {@code reference}: the trained side whose settings an envelope
     * must match (null: existing runs, only the case's name is known).
     */
    public void checkNoise(List<CaseSpec> cases, Training training, TrainedSide reference) {
        if (noise != null) noise.check(cases, training.steps(), c -> NoiseEnvelopes.settingsOf(c, reference, training, metrics));
    }

    /** How outputs name the comparison: the mode, or the noise envelopes it is judged against. */
    public String describe() {
        return noise == null ? mode.describe() : noise.describe();
    }
}
