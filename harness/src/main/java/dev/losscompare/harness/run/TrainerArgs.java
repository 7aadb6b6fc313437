package dev.losscompare.harness.run;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The argument lists of one side's trainer commands. Harness settings come first so the user's
 * options can override them (the trainer applies overrides in order); the files the harness
 * owns (metrics, checkpoint) come last so no option can redirect them. {@code kernels} decides the
 * environment the trainer starts with (see {@link Kernels}).
 */
public record TrainerArgs(Path revisionDir, String config, int steps, long seed, int threads, List<String> userOptions,
                          Kernels kernels, int ngpus) {
    /** This repository's trainer script (the contract in docs/architecture.md), relative to a revision's root. */
    public static final String TRAINER_SCRIPT = "trainer/run_train.sh";

    /** What a launcher (torchrun, srun) would set: never inherited from the harness's own environment. */
    private static final List<String> RANK_VARIABLES = List.of("RANK", "LOCAL_RANK", "WORLD_SIZE", "LOCAL_WORLD_SIZE",
            "MASTER_ADDR", "MASTER_PORT");

    public TrainerArgs {
        userOptions = List.copyOf(userOptions);
    }

    public TrainerArgs(Path revisionDir, String config, int steps, long seed, int threads, List<String> userOptions, Kernels kernels) {
        this(revisionDir, config, steps, seed, threads, userOptions, kernels, 1);
    }

    public TrainerArgs(Path revisionDir, String config, int steps, long seed, int threads, List<String> userOptions) {
        this(revisionDir, config, steps, seed, threads, userOptions, Kernels.NATIVE, 1);
    }

    /** The same run on another number of ranks (a seed checkpoint is always written by one). */
    public TrainerArgs withNgpus(int n) {
        return new TrainerArgs(revisionDir, config, steps, seed, threads, userOptions, kernels, n);
    }

    /** The same run cut to {@code n} steps with {@code extra} options after the user's (a traced re-run). */
    public TrainerArgs withSteps(int n, List<String> extra) {
        List<String> options = new ArrayList<>(userOptions);
        options.addAll(extra);
        return new TrainerArgs(revisionDir, config, n, seed, threads, options, kernels, ngpus);
    }

    /** The options recorded in the report: everything but the script and the harness's own files. */
    public List<String> recordedOptions() {
        List<String> args = new ArrayList<>();
        args.add("--config=" + config);
        args.add("--training.steps=" + steps);
        args.add("--debug.seed=" + seed);
        args.add("--debug.deterministic=true");
        args.add("--training.num_threads=" + threads);
        args.addAll(userOptions);
        return args;
    }

    /**
     * What the trainer process gets on top of the harness's environment: the kernel set, and the
     * rank count as torchtitan's NGPU; a null value removes the variable, so an NGPU or RANK the
     * user exported never silently changes how many processes train.
     */
    public Map<String, String> environment() {
        Map<String, String> env = new java.util.LinkedHashMap<>(kernels.environment());
        env.put("NGPU", String.valueOf(ngpus));
        for (String v : RANK_VARIABLES) env.put(v, null);
        return java.util.Collections.unmodifiableMap(env);
    }

    public List<String> seedCheckpointCommand(Path seedFile) {
        List<String> args = start();
        args.add("--checkpoint.create_seed_checkpoint");
        args.add("--checkpoint.path=" + seedFile.toAbsolutePath());
        return args;
    }

    public List<String> trainCommand(Path metricsFile, Path seedFileOrNull) {
        List<String> args = start();
        args.add("--metrics.path=" + metricsFile.toAbsolutePath());
        if (seedFileOrNull != null) args.add("--checkpoint.initial_load_path=" + seedFileOrNull.toAbsolutePath());
        return args;
    }

    private List<String> start() {
        List<String> args = new ArrayList<>();
        args.add(revisionDir.resolve(TRAINER_SCRIPT).toString());
        args.addAll(recordedOptions());
        return args;
    }
}
