package dev.losscompare.harness.noise;

import dev.losscompare.harness.run.Kernels;
import dev.losscompare.harness.run.TrainerArgs;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * One benign change to how a calibration run trains: the math stays, only the rounding moves.
 * Each knows its label (listed in the envelope, in run order) and how it changes a run's
 * arguments; {@link InitialWeights} also changes the seed checkpoint the run loads.
 */
public sealed interface Perturbation {
    /** How the envelope lists it: "threads=2", "kernels=native", "ranks=2 (local_batch_size 1)", ... */
    String label();

    /** The run's arguments under this perturbation. */
    TrainerArgs apply(TrainerArgs args);

    /** Its initial-weights part (the run starts from another state), or null. */
    default InitialWeights weights() {
        return this instanceof InitialWeights w ? w : null;
    }

    /** Another thread count (libtorch's and OpenBLAS's reductions split otherwise). */
    record Threads(int threads) implements Perturbation {
        public String label() {
            return "threads=" + threads;
        }

        public TrainerArgs apply(TrainerArgs a) {
            return new TrainerArgs(a.revisionDir(), a.config(), a.steps(), a.seed(), threads, a.userOptions(), a.kernels(), a.ngpus(),
                    a.extraEnvironment());
        }
    }

    /** The other kernel set (portable AVX2 / this machine's native kernels). */
    record KernelSet(Kernels kernels) implements Perturbation {
        public String label() {
            return "kernels=" + kernels.name().toLowerCase(java.util.Locale.ROOT);
        }

        public TrainerArgs apply(TrainerArgs a) {
            return new TrainerArgs(a.revisionDir(), a.config(), a.steps(), a.seed(), a.threads(), a.userOptions(), kernels, a.ngpus(),
                    a.extraEnvironment());
        }
    }

    /** Another rank count on the same global batch: the gradient all-reduce sums in another order. */
    record Ranks(int ngpus, int localBatchSize) implements Perturbation {
        public String label() {
            return "ranks=" + ngpus + " (local_batch_size " + localBatchSize + ")";
        }

        public TrainerArgs apply(TrainerArgs a) {
            List<String> options = new ArrayList<>(a.userOptions());
            options.add("--training.local_batch_size=" + localBatchSize);
            return new TrainerArgs(a.revisionDir(), a.config(), a.steps(), a.seed(), a.threads(), options, a.kernels(), ngpus,
                    a.extraEnvironment());
        }
    }

    /**
     * The last mantissa bit of a seeded random {@code fraction} of the seed checkpoint's values
     * flipped (see {@link WeightFlip}): the size of error any reordering of a float sum makes.
     */
    record InitialWeights(long seed, double fraction) implements Perturbation {
        public String label() {
            return "weights: last bit of " + Math.round(fraction * 100) + "% of the initial values (seed " + seed + ")";
        }

        public TrainerArgs apply(TrainerArgs a) {
            return a;
        }
    }

    /** A suite-listed set of trainer options and environment variables (another trainer's own knobs). */
    record OptionSet(String name, List<String> options, Map<String, String> environment) implements Perturbation {
        public OptionSet {
            options = List.copyOf(options);
            environment = Map.copyOf(environment);
        }

        public String label() {
            return name;
        }

        public TrainerArgs apply(TrainerArgs a) {
            List<String> all = new ArrayList<>(a.userOptions());
            all.addAll(options);
            Map<String, String> env = new java.util.TreeMap<>(a.extraEnvironment());
            env.putAll(environment);
            env.put(Repeat.VARIABLE.replace("REPEAT", "PERTURBATION"), name);   // in the result-cache key whatever the variables are
            return new TrainerArgs(a.revisionDir(), a.config(), a.steps(), a.seed(), a.threads(), all, a.kernels(), a.ngpus(), env);
        }
    }

    /**
     * The same run again (a trainer that is not deterministic is its own perturbation). Its number
     * is in the arguments' environment, so the result cache never hands back the first repeat.
     */
    record Repeat(int number) implements Perturbation {
        static final String VARIABLE = "LOSS_COMPARE_REPEAT";

        public String label() {
            return "repeat " + number;
        }

        public TrainerArgs apply(TrainerArgs a) {
            Map<String, String> env = new java.util.TreeMap<>(a.extraEnvironment());
            env.put(VARIABLE, String.valueOf(number));
            return new TrainerArgs(a.revisionDir(), a.config(), a.steps(), a.seed(), a.threads(), a.userOptions(), a.kernels(), a.ngpus(), env);
        }
    }

    /** Several at once (a fresh check run: new initial-weight bits on another thread count, say). */
    record Combined(List<Perturbation> parts) implements Perturbation {
        public Combined {
            parts = List.copyOf(parts);
        }

        public String label() {
            return String.join(" + ", parts.stream().map(Perturbation::label).toList());
        }

        public TrainerArgs apply(TrainerArgs a) {
            TrainerArgs out = a;
            for (Perturbation p : parts) out = p.apply(out);
            return out;
        }

        @Override
        public InitialWeights weights() {
            for (Perturbation p : parts) if (p instanceof InitialWeights w) return w;
            return null;
        }
    }
}
