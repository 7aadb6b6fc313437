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
 * Which K perturbations a calibration runs. For this repository's trainer, run i flips the last
 * bit of the initial weights with seed {@code firstSeed + i - 1} (a coin per value, like random
 * rounding) and, in turn, nothing else, another thread count, the other kernel set, or twice the
 * ranks on the same global batch (when the local batch splits evenly). Every run carries the
 * weight flip because it moves every step: a step no run moved has a band of 0 and must then be
 * bitwise, and threads or kernels alone often leave the first steps bitwise. For another trainer:
 * the suite's listed sets in turn, else plain repeats.
 */
public final class Perturbations {
    /** The share of the initial values whose last bit flips: a coin per value (random rounding's ±1 ulp). */
    public static final double WEIGHT_FRACTION = 0.5;

    private Perturbations() {}

    /** @param firstSeed the first weight-flip seed: a check of fresh runs uses seeds the calibration did not */
    public static List<Perturbation> ownTrainer(TrainerArgs base, int runs, long firstSeed) throws IOException {
        List<Perturbation> structural = new ArrayList<>();
        structural.add(new Perturbation.Threads(base.threads() == 1 ? 2 : 1));
        structural.add(new Perturbation.KernelSet(base.kernels() == Kernels.PORTABLE ? Kernels.NATIVE : Kernels.PORTABLE));
        int batch = localBatchSize(base);
        if (batch % 2 == 0) structural.add(new Perturbation.Ranks(base.ngpus() * 2, batch / 2));
        List<Perturbation> out = new ArrayList<>();
        for (int i = 0; i < runs; i++) {
            Perturbation weights = new Perturbation.InitialWeights(firstSeed + i, WEIGHT_FRACTION);
            int kind = i % (structural.size() + 1);
            out.add(kind == 0 ? weights : new Perturbation.Combined(List.of(weights, structural.get(kind - 1))));
        }
        return out;
    }

    /**
     * A suite's listed perturbations in turn (cycling), or plain repeats when it lists none, the
     * runs numbered from {@code firstNumber}: runs after the first K (held out) are repeats of
     * their set under their own number, so none is the same run (or result-cache entry) as one of the band's.
     */
    public static List<Perturbation> listed(List<Perturbation.OptionSet> sets, int runs, int firstNumber) {
        List<Perturbation> out = new ArrayList<>();
        for (int i = 0; i < runs; i++) {
            Perturbation repeat = new Perturbation.Repeat(firstNumber + i);
            out.add(sets.isEmpty() ? repeat : firstNumber == 1 ? sets.get(i % sets.size())
                    : new Perturbation.Combined(List.of(sets.get(i % sets.size()), repeat)));
        }
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
