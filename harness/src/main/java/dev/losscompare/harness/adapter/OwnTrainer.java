package dev.losscompare.harness.adapter;

import dev.losscompare.harness.run.TrainerArgs;
import dev.losscompare.core.sources.SeriesFormat;
import dev.losscompare.core.sources.RunSources;
import dev.losscompare.core.sources.SourceOptions;
import dev.losscompare.core.sources.SourcedSeries;
import java.nio.file.Path;
import java.util.List;

/** This repository's trainer (trainer/run_train.sh): the default adapter, the contract in docs/architecture.md. */
public final class OwnTrainer implements TrainerAdapter {
    public static final OwnTrainer INSTANCE = new OwnTrainer();

    private OwnTrainer() {}

    @Override
    public String name() {
        return "loss_compare";
    }

    @Override
    public String identity() {
        return "loss_compare";
    }

    @Override
    public List<String> buildCommand(Path revisionDir) {
        return List.of(revisionDir.resolve(TrainerArgs.TRAINER_SCRIPT).toString(), "--build-only");
    }

    @Override
    public Launch train(TrainerArgs args, RunFiles files, Path seedOrNull) {
        // Under a cluster launcher each rank is a task of its own; the trainer reads the cluster's rank variables.
        return new Launch(args.trainCommand(files.partial(), seedOrNull), args.revisionDir(), args.environment(), args.ngpus());
    }

    @Override
    public Launch createSeed(TrainerArgs args, RunFiles files, Path seed) {
        return new Launch(args.seedCheckpointCommand(seed), args.revisionDir(), args.environment());
    }

    @Override
    public boolean writesJsonl() {
        return true;
    }

    /** The metrics file the trainer wrote while it ran (read strictly; steps must increase). */
    @Override
    public SourcedSeries read(RunFiles files, Path log) {
        return RunSources.read(files.series(), new SourceOptions(SeriesFormat.JSONL, null, java.util.Map.of()));
    }
}
