package dev.losscompare.harness.noise;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.dataformat.toml.TomlMapper;
import dev.losscompare.harness.run.Kernels;
import dev.losscompare.harness.run.TrainerArgs;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Which K perturbations a calibration runs. For this repository's trainer, in this order: the
 * initial weights (seed {@code firstSeed}), another thread count, the other kernel set, twice the
 * ranks on the same global batch (when the local batch splits evenly), then the initial weights
 * again with the next seeds. The weights come first because they move every step: a step no
 * perturbation moved has a band of 0 and must then be bitwise. For another trainer: the suite's
 * listed sets in turn, else plain repeats.
 */
public final class Perturbations {
    /** The share of the initial values whose last bit flips: measured in README ("Noise-aware verdicts"). */
    public static final double WEIGHT_FRACTION = 0.25;

    private Perturbations() {}

    /** @param firstSeed the first weight-flip seed: a check of fresh runs starts after the calibration's seeds */
    public static List<Perturbation> ownTrainer(TrainerArgs base, int runs, long firstSeed) throws IOException {
        List<Perturbation> kinds = new ArrayList<>();
        kinds.add(new Perturbation.InitialWeights(firstSeed, WEIGHT_FRACTION));
        kinds.add(new Perturbation.Threads(base.threads() == 1 ? 2 : 1));
        kinds.add(new Perturbation.KernelSet(base.kernels() == Kernels.PORTABLE ? Kernels.NATIVE : Kernels.PORTABLE));
        int batch = localBatchSize(base);
        if (batch % 2 == 0) kinds.add(new Perturbation.Ranks(base.ngpus() * 2, batch / 2));
        List<Perturbation> out = new ArrayList<>(kinds.subList(0, Math.min(runs, kinds.size())));
        for (long seed = firstSeed + 1; out.size() < runs; seed++) out.add(new Perturbation.InitialWeights(seed, WEIGHT_FRACTION));
        return out;
    }

    /**
     * Runs a calibration never saw: run i flips the initial weights with seed {@code firstSeed + i}
     * and, in turn, also runs on another thread count, the other kernel set or twice the ranks
     * (or nothing else).
     */
    public static List<Perturbation> fresh(TrainerArgs base, int runs, long firstSeed) throws IOException {
        List<Perturbation> structural = new ArrayList<>(ownTrainer(base, 4, firstSeed));
        structural.removeIf(p -> p instanceof Perturbation.InitialWeights);
        List<Perturbation> out = new ArrayList<>();
        for (int i = 0; i < runs; i++) {
            Perturbation weights = new Perturbation.InitialWeights(firstSeed + i, WEIGHT_FRACTION);
            int kind = i % (structural.size() + 1);
            out.add(kind == 0 ? weights : new Perturbation.Combined(List.of(weights, structural.get(kind - 1))));
        }
        return out;
    }

    /** A suite's listed perturbations in turn (cycling), or plain repeats when it lists none. */
    public static List<Perturbation> listed(List<Perturbation.OptionSet> sets, int runs) {
        List<Perturbation> out = new ArrayList<>();
        for (int i = 0; i < runs; i++) out.add(sets.isEmpty() ? new Perturbation.Repeat(i + 1) : sets.get(i % sets.size()));
        return out;
    }

    /**
     * The run's local batch size: the last --training.local_batch_size= option, else the config's
     * [training] local_batch_size, else the trainer's default.
     */
    static int localBatchSize(TrainerArgs args) throws IOException {
        String prefix = "--training.local_batch_size=";
        Integer fromOptions = null;
        for (String o : args.userOptions()) if (o.startsWith(prefix)) fromOptions = Integer.parseInt(o.substring(prefix.length()));
        if (fromOptions != null) return fromOptions;
        for (Path toml : List.of(args.revisionDir().resolve(args.config()),
                args.revisionDir().resolve("trainer/src/main/resources/defaults.toml"))) {
            if (!Files.isRegularFile(toml)) continue;
            JsonNode v = new TomlMapper().readTree(toml.toFile()).path("training").path("local_batch_size");
            if (v.canConvertToInt()) return v.asInt();
        }
        return 1;
    }
}
