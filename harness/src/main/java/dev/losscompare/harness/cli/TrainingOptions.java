package dev.losscompare.harness.cli;

import dev.losscompare.harness.api.TrainingVerb;
import dev.losscompare.harness.run.ShellWords;
import java.nio.file.Path;
import java.util.List;
import picocli.CommandLine.Option;

/** How the runs train: the same on every side (the per-side options are {@link SideOptions}). Checked by the API. */
public final class TrainingOptions {
    @Option(names = "--steps", paramLabel = "N", description = "Training steps per run (default: " + TrainingVerb.DEFAULT_STEPS + ").")
    Integer steps;

    @Option(names = "--config", paramLabel = "PATH",
            description = "Trainer config, relative to each revision's root (default: " + TrainingVerb.DEFAULT_CONFIG + ").")
    String config;

    @Option(names = "--seed", paramLabel = "N", description = "debug.seed for every run (default: " + TrainingVerb.DEFAULT_SEED + ").")
    Long seed;

    @Option(names = "--threads", paramLabel = "N", description = "training.num_threads per run (default: " + TrainingVerb.DEFAULT_THREADS + ").")
    Integer threads;

    @Option(names = "--train-options", paramLabel = "\"OPTS\"", description = "Trainer options for every run, split like a shell would.")
    String trainOptions;

    @Option(names = "--no-seed-checkpoint", description = "Let each run initialize its own weights instead of loading the baseline's.")
    boolean noSeedCheckpoint;

    @Option(names = "--portable", description = "Run with the portable kernel set (ATen AVX2, OpenBLAS Haswell, oneDNN AVX2) "
            + "so the bits match on any x86-64 machine with AVX2 and FMA; slower (see docs/gate.md).")
    boolean portable;

    @Option(names = "--ngpus", paramLabel = "N", description = "Ranks per run (torchtitan's NGPU; on CPU N processes; default: each case's, else 1).")
    Integer ngpus;

    @Option(names = "--trainer", paramLabel = "FILE", description = "A trainer that is not this repository's: a TOML file with a "
            + "[trainer] table (preset torchtitan or command; see docs/other-trainers.md). Overrides a suite's [trainer].")
    Path trainer;

    /** The options given, set on {@code verb} (the API applies the defaults and checks the values). */
    <V extends TrainingVerb<V, ?>> V applyTo(V verb, List<String> sideOptions) {
        if (steps != null) verb.setSteps(steps);
        if (config != null) verb.setConfig(config);
        if (seed != null) verb.setSeed(seed);
        if (threads != null) verb.setThreads(threads);
        List<String> options = ShellWords.split(trainOptions, "--train-options");
        if (trainOptions != null || !sideOptions.isEmpty()) {
            List<String> all = new java.util.ArrayList<>(options);
            all.addAll(sideOptions);
            verb.setTrainOptions(all);
        }
        if (noSeedCheckpoint) verb.setSeedCheckpoint(false);
        if (portable) verb.setPortable(true);
        if (ngpus != null) verb.setNgpus(ngpus);
        if (trainer != null) verb.setTrainer(trainer);
        return verb;
    }
}
