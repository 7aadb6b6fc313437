package dev.losscompare.core.noise;

import com.fasterxml.jackson.annotation.JsonInclude;
import dev.losscompare.core.judge.NoiseBand;
import dev.losscompare.core.judge.NoiseMargin;
import dev.losscompare.core.result.TrainerRepeats;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The measured noise of one case: for each metric and step, the band max_i |run_i − reference|
 * over K perturbed runs, with what produced it (docs/architecture.md, "Noise envelope file").
 * {@code bands} maps a metric to its band per step (index 0 is step 1); a band covers exactly
 * {@code settings.steps} steps. {@code heldOut} (optional, absent from envelopes calibrated before
 * it existed) is how far perturbed runs the band never saw landed: the case's margin comes from it.
 */
public record NoiseEnvelope(
        int formatVersion,
        String caseName,
        Settings settings,
        Calibration calibration,
        Map<String, String> environment,
        Map<String, List<Double>> bands,
        Floor floor,
        @JsonInclude(JsonInclude.Include.NON_NULL) HeldOut heldOut) {
    public static final int FORMAT_VERSION = 1;

    /** An envelope without held-out runs (--held-out=0, --from-runs). */
    public NoiseEnvelope(int formatVersion, String caseName, Settings settings, Calibration calibration, Map<String, String> environment,
                         Map<String, List<Double>> bands, Floor floor) {
        this(formatVersion, caseName, settings, calibration, environment, bands, floor, null);
    }

    public NoiseEnvelope {
        environment = environment == null ? Map.of() : Map.copyOf(new TreeMap<>(environment));
        Map<String, List<Double>> copy = new TreeMap<>();
        if (bands != null) bands.forEach((k, v) -> copy.put(k, List.copyOf(v)));
        bands = java.util.Collections.unmodifiableMap(copy);
    }

    /**
     * The floor the bands got (see {@link EnvelopeBuilder.Bands}): from {@code fromStep} on, every
     * band is at least one unit in the last place of the metric's reported {@code precision}.
     * Null when no run parted from the reference at all (then every band is 0: bitwise).
     */
    public record Floor(int fromStep, Map<String, String> precision) {
        public Floor {
            precision = Map.copyOf(new TreeMap<>(precision));
        }
    }

    /** What a comparison must repeat for this envelope to apply: the case's config, options (unperturbed) and seed. */
    public record Settings(String config, List<String> options, long seed, int steps, int threads) {
        public Settings {
            options = options == null ? List.of() : List.copyOf(options);
        }
    }

    /**
     * Where the envelope comes from: the revision calibrated (its spec and commit), the reference
     * run, the K perturbed runs ({@code runs}) and each run's perturbation, in run order.
     */
    public record Calibration(String revision, String commit, String reference, int runs, List<String> perturbations) {
        public Calibration {
            perturbations = perturbations == null ? List.of() : List.copyOf(perturbations);
        }

        /** "HEAD (57d4908c05)" or the spec alone. */
        public String revisionLabel() {
            if (commit == null || commit.isEmpty()) return revision;
            return revision + " (" + commit.substring(0, Math.min(10, commit.length())) + ")";
        }
    }

    /**
     * The held-out runs: {@code runs} perturbed runs under their own seeds (never the band's), each
     * one's {@code perturbations} label in run order, and per metric each run's largest
     * |run − reference| / band over the steps ({@code multiples}, in run order): the tail of the noise.
     */
    public record HeldOut(int runs, List<String> perturbations, Map<String, List<Double>> multiples) {
        public HeldOut {
            perturbations = perturbations == null ? List.of() : List.copyOf(perturbations);
            Map<String, List<Double>> copy = new TreeMap<>();
            if (multiples != null) multiples.forEach((k, v) -> copy.put(k, List.copyOf(v)));
            multiples = java.util.Collections.unmodifiableMap(copy);
        }

        /** The largest multiple any held-out run reached in any metric. */
        public double largest() {
            return multiples.values().stream().flatMap(List::stream).mapToDouble(Double::doubleValue).max().orElse(0);
        }
    }

    /**
     * Whether the trainer itself does not repeat bitwise: calibrated by plain repeats only (no
     * other perturbation, the way a trainer that is its own perturbation is calibrated), and they
     * parted from the reference. Such an envelope holds in the environment it was calibrated in too.
     */
    @com.fasterxml.jackson.annotation.JsonIgnore
    public boolean repeatsPart() {
        return floor != null && plainRepeats();
    }

    /**
     * What the calibration's plain repeats say of the trainer (parted or bitwise), for the case's
     * record; null when the envelope was calibrated with other perturbations (they say nothing
     * about repeats). {@code label} names the file.
     */
    public TrainerRepeats trainerRepeats(String label) {
        if (!plainRepeats()) return null;
        return new TrainerRepeats(floor == null, "the " + calibration.runs() + " plain repeats of the noise"
                + " envelope " + label, null, List.of());
    }

    private boolean plainRepeats() {
        return !calibration.perturbations().isEmpty() && calibration.perturbations().stream().allMatch(p -> p.startsWith("repeat "));
    }

    /** This case's margin: measured from the held-out runs, or the default when the envelope has none. */
    public NoiseMargin margin() {
        return heldOut == null || heldOut.runs() == 0 ? NoiseMargin.byDefault() : NoiseMargin.heldOut(heldOut.runs(), heldOut.largest());
    }

    /** The band as the judge uses it: {@code label} names the file in every output; {@code override} (--noise-margin) or null: the case's own margin. */
    public NoiseBand toBand(String label, NoiseMargin override) {
        return new NoiseBand(label, calibration.revisionLabel(), calibration.runs(), calibration.perturbations(),
                override != null ? override : margin(), bands);
    }

    /**
     * Why this envelope does not measure the noise of a case run with these settings, or null when
     * it does: another case, config, options or seed. The revision may differ (a refactor is
     * judged against the noise of its baseline's parent); the steps are checked per step by the judge.
     */
    public String mismatch(String name, String config, List<String> options, long seed, List<String> metrics) {
        List<String> differs = new java.util.ArrayList<>();
        if (!caseName.equals(name)) differs.add("case " + caseName + ", not " + name);
        if (!settings.config().equals(config)) differs.add("config " + settings.config() + ", not " + config);
        if (!settings.options().equals(options)) {
            differs.add("options " + String.join(" ", settings.options()) + ", not " + String.join(" ", options));
        }
        if (settings.seed() != seed) differs.add("seed " + settings.seed() + ", not " + seed);
        for (String m : metrics) if (!bands.containsKey(m)) differs.add("no band for " + m);
        if (differs.isEmpty()) return null;
        return "the noise envelope was calibrated for another run (" + String.join("; ", differs)
                + "); calibrate this case: ./loss_compare.sh calibrate REV with the same options";
    }
}
