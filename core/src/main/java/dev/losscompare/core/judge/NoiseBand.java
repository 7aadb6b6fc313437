package dev.losscompare.core.judge;

import com.fasterxml.jackson.annotation.JsonIgnore;
import com.fasterxml.jackson.annotation.JsonInclude;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The measured noise a case is judged against (a noise envelope, as the comparison used it):
 * where it came from ({@code envelope}, the file; {@code calibratedOn}, the revision; {@code runs},
 * K; {@code perturbations}), the {@code margin} and where it came from ({@code marginSource}, see
 * {@link NoiseMargin}; null in comparison.json files written before margins were measured) and the
 * band per metric and step (index 0 is step 1). comparison.json carries it whole, so the reports
 * can draw the band without the file.
 */
public record NoiseBand(String envelope, String calibratedOn, int runs, List<String> perturbations, double margin,
                        @JsonInclude(JsonInclude.Include.NON_NULL) String marginSource, Map<String, List<Double>> bands) {
    /**
     * The margin of an envelope without held-out runs (see {@link NoiseMargin}): a step is inside
     * when |test − baseline| ≤ 10 × band. Measured (docs/noise.md, "Within measured noise"): of 96 fresh
     * perturbed runs of the six sign-off cases judged against K=4 envelopes, most land within 2×
     * the band, but the MoE cases reach 5.5× (a perturbation that flips a token's top-k expert
     * moves the numbers in a jump that few calibration runs may miss): 4 of the 96 were outside
     * 3×, none outside 10×. One number for every case is paid by the quiet ones, hence the
     * measured per-case margin.
     */
    public static final double DEFAULT_MARGIN = 10.0;

    public NoiseBand(String envelope, String calibratedOn, int runs, List<String> perturbations, NoiseMargin margin,
                     Map<String, List<Double>> bands) {
        this(envelope, calibratedOn, runs, perturbations, margin.value(), margin.source(), bands);
    }

    public NoiseBand {
        perturbations = perturbations == null ? List.of() : List.copyOf(perturbations);
        Map<String, List<Double>> copy = new TreeMap<>();
        if (bands != null) bands.forEach((k, v) -> copy.put(k, List.copyOf(v)));
        bands = java.util.Collections.unmodifiableMap(copy);
    }

    /** The band of {@code metric} at {@code step}, or null when the envelope has no data there. */
    public Double band(String metric, int step) {
        List<Double> b = bands.get(metric);
        return b == null || step < 1 || step > b.size() ? null : b.get(step - 1);
    }

    /** The steps the band of {@code metric} covers (1..N). */
    @JsonIgnore
    public int coveredSteps(String metric) {
        List<Double> b = bands.get(metric);
        return b == null ? 0 : b.size();
    }

    /**
     * |t − b| as a multiple of the band: 0 for equal values; where the band is 0 any difference is
     * infinitely many bands (such a step must be bitwise).
     */
    public static double multiple(double deviation, double band) {
        if (deviation == 0) return 0;
        return band == 0 ? Double.POSITIVE_INFINITY : deviation / band;
    }

    /** "margin 3.4× from 8 held-out runs (…)", or "margin 10×" (a comparison.json written before the margin's source was recorded). */
    public String marginText() {
        return new NoiseMargin(margin, marginSource).describe();
    }

    /** "envelope configs/noise/llama3.json, calibrated on HEAD (57d4908c05) with K=4 runs (threads, kernels, ...)". */
    public String source() {
        return "envelope " + envelope + ", calibrated on " + calibratedOn + " with K=" + runs + " runs"
                + (perturbations.isEmpty() ? "" : " (" + String.join(", ", perturbations) + ")");
    }
}
