package dev.losscompare.harness.adapter;

import dev.losscompare.core.text.SettingWords;
import dev.losscompare.core.text.Setting;
import dev.losscompare.harness.UsageException;
import dev.losscompare.harness.run.OnPath;
import dev.losscompare.harness.run.TrainerArgs;
import dev.losscompare.core.sources.SeriesFormat;
import dev.losscompare.core.sources.RunSources;
import dev.losscompare.core.sources.SourceOptions;
import dev.losscompare.core.sources.SourcedSeries;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/** This repository's trainer (trainer/run_train.sh): the default adapter, the contract in docs/architecture.md. */
public final class OwnTrainer implements TrainerAdapter {
    public static final OwnTrainer INSTANCE = new OwnTrainer();
    /** The trainer's keys and their defaults, in a revision. */
    private static final String DEFAULTS = "trainer/src/main/resources/defaults.toml";

    private OwnTrainer() {}

    @Override
    public String name() {
        return "loss_compare";
    }

    /** Its own trace: --debug.trace_steps (docs/architecture.md, "Trace file"). */
    @Override
    public String trace() {
        return "loss_compare";
    }

    @Override
    public String identity() {
        return "loss_compare";
    }

    /** run_train.sh builds each revision with Maven and runs it with java: a release without a JDK has neither. */
    @Override
    public void checkRunnable(Map<String, String> env, SettingWords words) {
        List<String> missing = java.util.stream.Stream.of("mvn", "java").filter(p -> OnPath.find(p, env) == null).toList();
        if (missing.isEmpty()) return;
        throw new UsageException(UsageException.Reason.MACHINE, "this repository's trainer (the default, preset loss_compare) builds each revision with Maven"
                + " and runs it on Java 17, and " + String.join(" and ", missing) + (missing.size() > 1 ? " are" : " is")
                + " not on PATH: install them (Debian: apt-get install maven openjdk-17-jdk-headless), or drive another trainer"
                + " with " + words.withValue(Setting.TRAINER, "FILE") + " or a suite's [trainer] (preset torchtitan or command)");
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

    /**
     * --checkpoint.own_init_path: the bytes of --checkpoint.create_seed_checkpoint, which is one
     * process, so for one-process runs only, and of a revision whose trainer has the key (its
     * defaults.toml lists every key it accepts; an older one would reject the run).
     */
    @Override
    public Launch trainWritingOwnInit(TrainerArgs args, RunFiles files, Path seed, Path ownInit) {
        if (args.ngpus() != 1 || !hasOwnInitKey(args.revisionDir())) return null;
        List<String> command = new java.util.ArrayList<>(args.trainCommand(files.partial(), seed));
        command.add("--checkpoint.own_init_path=" + ownInit.toAbsolutePath());
        return new Launch(command, args.revisionDir(), args.environment(), args.ngpus());
    }

    private static boolean hasOwnInitKey(Path revisionDir) {
        try {
            return Files.readString(revisionDir.resolve(DEFAULTS)).contains("\nown_init_path = ");
        } catch (IOException e) {
            return false;
        }
    }

    /** The trainer's checkpoint flags (torchtitan's names), after every other option so they win. */
    @Override
    public Launch trainWithCheckpoints(TrainerArgs args, RunFiles files, Path seedOrNull, Checkpoints checkpoints) {
        List<String> command = new java.util.ArrayList<>(args.trainCommand(files.partial(), seedOrNull));
        command.addAll(List.of("--checkpoint.enable", "--checkpoint.folder=" + checkpoints.folder().toAbsolutePath(),
                "--checkpoint.interval=" + checkpoints.interval(), "--checkpoint.keep_latest_k=0"));
        if (checkpoints.resumeStep() != null) command.add("--checkpoint.load_step=" + checkpoints.resumeStep());
        return new Launch(command, args.revisionDir(), args.environment());
    }

    @Override
    public boolean writesOwnCheckpoints() {
        return true;
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
        return RunSources.read(files.series(), new SourceOptions(SeriesFormat.JSONL, null, java.util.Map.of(), dev.losscompare.harness.Wording.COMMAND_LINE));
    }
}
