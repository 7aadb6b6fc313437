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
        boolean seedCheckpoint,
        String trace) {
    /** trace = "pytorch": a failing case is re-run with the PyTorch tracer (tracer/); "none": no location. */
    public static final String TRACE_PYTORCH = "pytorch", TRACE_NONE = "none";

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

    /** A spec whose trace is its preset's default ({@link #defaultTrace}). */
    public TrainerSpec(String preset, List<String> command, String workdir, Map<String, String> env, List<String> args,
                       List<String> build, List<String> createSeed, Map<String, String> createSeedEnv, List<String> loadSeed,
                       String seedName, SeriesFormat metrics, String linePattern, int stepOffset, Map<String, String> tags,
                       Integer logRank, int ngpus, List<String> fromWorkingTree, boolean seedCheckpoint) {
        this(preset, command, workdir, env, args, build, createSeed, createSeedEnv, loadSeed, seedName, metrics, linePattern,
                stepOffset, tags, logRank, ngpus, fromWorkingTree, seedCheckpoint, defaultTrace(preset, command));
    }

    /**
     * What a [trainer] table without a trace key traces: torchtitan and a command started by python,
     * python3 or torchrun run PyTorch in a Python process the tracer can enter; anything else may not.
     */
    public static String defaultTrace(String preset, List<String> command) {
        if (preset.equals("torchtitan")) return TRACE_PYTORCH;
        String first = command.isEmpty() ? "" : java.nio.file.Path.of(command.get(0)).getFileName().toString();
        return List.of("python", "python3", "torchrun").contains(first) ? TRACE_PYTORCH : TRACE_NONE;
    }
}
