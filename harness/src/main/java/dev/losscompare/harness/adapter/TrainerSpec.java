package dev.losscompare.harness.adapter;

import dev.losscompare.core.sources.SeriesFormat;
import java.util.List;
import java.util.Map;

/**
 * A trainer that is not this repository's, as a suite's {@code [trainer]} table (or a
 * {@code --trainer=FILE}) describes it; the format is in docs/architecture.md. Lists are argument
 * lists: nothing here is ever handed to a shell.
 */
public record TrainerSpec(
        String preset,
        List<String> command,
        String workdir,
        Map<String, String> env,
        List<String> args,
        List<String> build,
        List<String> createSeed,
        Map<String, String> createSeedEnv,
        List<String> loadSeed,
        String seedName,
        SeriesFormat metrics,
        String linePattern,
        int stepOffset,
        Map<String, String> tags,
        Integer logRank,
        int ngpus,
        List<String> fromWorkingTree,
        boolean seedCheckpoint) {
    public TrainerSpec {
        fromWorkingTree = List.copyOf(fromWorkingTree);
        command = List.copyOf(command);
        env = Map.copyOf(env);
        args = List.copyOf(args);
        build = List.copyOf(build);
        createSeed = List.copyOf(createSeed);
        createSeedEnv = Map.copyOf(createSeedEnv);
        loadSeed = List.copyOf(loadSeed);
        tags = Map.copyOf(tags);
    }

    /** A spec with nothing from the working tree and seed checkpoints on. */
    public TrainerSpec(String preset, List<String> command, String workdir, Map<String, String> env, List<String> args,
                       List<String> build, List<String> createSeed, Map<String, String> createSeedEnv, List<String> loadSeed,
                       String seedName, SeriesFormat metrics, String linePattern, int stepOffset, Map<String, String> tags,
                       Integer logRank, int ngpus) {
        this(preset, command, workdir, env, args, build, createSeed, createSeedEnv, loadSeed, seedName, metrics, linePattern,
                stepOffset, tags, logRank, ngpus, List.of(), true);
    }
}
