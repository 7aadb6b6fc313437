package dev.losscompare.harness.cli;

import dev.losscompare.harness.Console;
import dev.losscompare.harness.UsageException;
import dev.losscompare.harness.adapter.OwnTrainer;
import dev.losscompare.harness.adapter.TrainerAdapter;
import dev.losscompare.harness.adapter.TrainerFile;
import dev.losscompare.harness.suite.Suite;
import java.nio.file.Path;
import dev.losscompare.harness.pipeline.Training;
import dev.losscompare.harness.run.Kernels;
import dev.losscompare.harness.run.ShellWords;
import java.time.Duration;
import java.util.List;
import picocli.CommandLine.Option;

/** How the runs train: the same on every side (the per-side options are {@link SideOptions}). */
public final class TrainingOptions {
    @Option(names = "--steps", paramLabel = "N", defaultValue = "100", description = "Training steps per run (default: ${DEFAULT-VALUE}).")
    int steps;

    @Option(names = "--config", paramLabel = "PATH", defaultValue = "configs/llama3_debug.toml",
            description = "Trainer config, relative to each revision's root (default: ${DEFAULT-VALUE}).")
    String config;

    @Option(names = "--seed", paramLabel = "N", defaultValue = "42", description = "debug.seed for every run (default: ${DEFAULT-VALUE}).")
    long seed;

    @Option(names = "--threads", paramLabel = "N", defaultValue = "1", description = "training.num_threads per run (default: ${DEFAULT-VALUE}).")
    int threads;

    @Option(names = "--train-options", paramLabel = "\"OPTS\"", description = "Trainer options for every run, split like a shell would.")
    String trainOptions;

    @Option(names = "--no-seed-checkpoint", description = "Let each run initialize its own weights instead of loading the baseline's.")
    boolean noSeedCheckpoint;

    @Option(names = "--portable", description = "Run with the portable kernel set (ATen AVX2, OpenBLAS Haswell, oneDNN AVX2) "
            + "so the bits match on any x86-64 machine with AVX2 and FMA; slower (see README).")
    boolean portable;

    @Option(names = "--ngpus", paramLabel = "N", description = "Ranks per run (torchtitan's NGPU; on CPU N processes; default: each case's, else 1).")
    Integer ngpus;

    @Option(names = "--trainer", paramLabel = "FILE", description = "A trainer that is not this repository's: a TOML file with a "
            + "[trainer] table (preset torchtitan or command; see README). Overrides a suite's [trainer].")
    Path trainer;

    /** --trainer=FILE, else the suite's [trainer], else this repository's trainer. */
    TrainerAdapter adapter(Console console, Suite suiteOrNull) {
        if (trainer != null) return TrainerFile.read(console.cwd().resolve(trainer));
        return suiteOrNull != null ? suiteOrNull.trainer() : OwnTrainer.INSTANCE;
    }

    /** The rank count for a side: its own option, else --ngpus, else null (each case's). */
    Integer ngpus(Integer sideNgpus) {
        Integer n = sideNgpus != null ? sideNgpus : ngpus;
        if (n != null && n < 1) throw new UsageException("--ngpus must be at least 1, got " + n);
        return n;
    }

    Training training(Duration timeout) {
        if (steps < 1) throw new UsageException("--steps must be at least 1, got " + steps);
        if (threads < 1) throw new UsageException("--threads must be at least 1, got " + threads);
        return new Training(steps, seed, threads, portable ? Kernels.PORTABLE : Kernels.NATIVE, timeout);
    }

    List<String> trainOptions() {
        return ShellWords.split(trainOptions, "--train-options");
    }

    /** Seed checkpoints unless --no-seed-checkpoint, or the trainer file says seed = "none". */
    boolean seedCheckpoint(TrainerAdapter adapter) {
        return !noSeedCheckpoint && adapter.seedCheckpoint();
    }
}
