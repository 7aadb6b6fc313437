package dev.losscompare.harness.adapter;

import dev.losscompare.core.text.SettingWords;
import dev.losscompare.harness.run.StepProbe;
import dev.losscompare.harness.run.TrainerArgs;
import dev.losscompare.core.sources.SourcedSeries;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/**
 * How to drive one trainer with the harness's discipline (same seed, steps, determinism, threads
 * and initial weights on every side): the commands that build it, write a seed checkpoint and
 * train, and where its metrics appear. Presets: this repository's trainer ({@link OwnTrainer}),
 * torchtitan and any command ({@link CommandTrainer}); see docs/architecture.md.
 */
public interface TrainerAdapter {
    /** The preset's name: loss_compare, torchtitan or command. */
    String name();

    /** The full description, part of every cache key: two adapters that differ never share a result. */
    String identity();

    /**
     * Checks, before anything is materialized or built, that this machine has what the trainer
     * needs outside the revision; what is missing is a UsageException. {@code env}: the trainer's
     * environment (its PATH, else this process's); {@code words}: how the message names a setting.
     */
    default void checkRunnable(Map<String, String> env, SettingWords words) {}

    /** The build command, run once per revision content; empty when there is nothing to build. */
    List<String> buildCommand(Path revisionDir);

    /** The training run of one side. {@code seedOrNull}: the checkpoint to start from. */
    Launch train(TrainerArgs args, RunFiles files, Path seedOrNull);

    /**
     * The training run of one side that starts from {@code seed} and first writes its own
     * initialization to {@code ownInit}: the very file {@link #createSeed} would write (then kept as
     * that seed checkpoint); null when this trainer cannot (its initialization is checked by a
     * {@link #createSeed} run instead).
     */
    default Launch trainWritingOwnInit(TrainerArgs args, RunFiles files, Path seed, Path ownInit) {
        return null;
    }

    /**
     * The training run of one side writing training checkpoints (and resuming from one) as
     * {@code checkpoints} says, or null when this trainer has no way to (the resume check is then
     * an ERROR saying so).
     */
    default Launch trainWithCheckpoints(TrainerArgs args, RunFiles files, Path seedOrNull, Checkpoints checkpoints) {
        return null;
    }

    /** Whether its checkpoints are this project's format (docs/architecture.md), so their manifests can be compared. */
    default boolean writesOwnCheckpoints() {
        return false;
    }

    /** The command that writes a seed checkpoint at {@code seed}, or null when this trainer cannot. */
    Launch createSeed(TrainerArgs args, RunFiles files, Path seed);

    /** Whether the trainer writes our JSON Lines metrics file ({@code files.partial()} while it runs, then {@code files.series()}). */
    boolean writesJsonl();

    /**
     * Reads the finished run's metrics (the JSONL file at files.series(), a TensorBoard folder or the captured log
     * {@code log}); whatever cannot be read is an UnreadableSeriesException naming the file.
     */
    SourcedSeries read(RunFiles files, Path log);

    /** Where the progress line reads the running trainer's steps: our JSONL by default. */
    default StepProbe progress(RunFiles files, Path log) {
        return StepProbe.jsonl(files.partial());
    }

    /** What this trainer makes of the revision at {@code revisionDir}, said once per side (torchtitan: its layout), or null. */
    default String describe(Path revisionDir) {
        return null;
    }

    /** Paths every revision takes from the user's working tree (from_working_tree), relative to the repository root. */
    default List<String> fromWorkingTree() {
        return List.of();
    }

    /** The ranks a run starts when neither the command line nor the case says: the [trainer] table's ngpus, else 1. */
    default int ngpus() {
        return 1;
    }

    /** False when the trainer file says seed = "none": no seed checkpoint, each run initializes itself from the seed. */
    default boolean seedCheckpoint() {
        return true;
    }

    /** The seed checkpoint's name in the case folder (a file, or a folder for torchtitan's DCP checkpoints). */
    default String seedName() {
        return "seed_checkpoint.safetensors";
    }

    /**
     * How a failing case of this trainer is traced: "loss_compare" (this repository's trainer, its
     * --debug.trace_steps), "pytorch" (the injected PyTorch tracer, tracer/) or "none".
     */
    default String trace() {
        return TrainerSpec.TRACE_NONE;
    }

    /** The trainer itself: this adapter, or the one an environment wraps ({@link InEnvironment}). */
    default TrainerAdapter base() {
        return this;
    }

    /** The Python interpreter the trainer's command starts (its first word: python, python3, a venv's), or null. */
    default String python() {
        return null;
    }

    /** Variables the build command needs on top of the harness's (an environment's Maven properties); none by default. */
    default Map<String, String> buildEnvironment() {
        return Map.of();
    }

    /** Whether the seed checkpoint is one safetensors file (the result cache keeps those; a folder it does not). */
    default boolean seedIsSafetensorsFile() {
        return true;
    }
}
