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

    /**
     * torchtitan at 6a3a9da9, driven as its own scripts/loss_compare.py drives it: ./run_train.sh
     * with NGPU and CONFIG_FILE (run_train.sh:13-15), --debug.seed, --debug.deterministic,
     * --training.steps and TensorBoard at every step (loss_compare.py's FIXED_OPTIONS), the run's
     * own dump folder; the seed checkpoint with --checkpoint.create_seed_checkpoint on one process
     * (job_config.py:554-558), loaded with --checkpoint.initial_load_path and --checkpoint.load_only
     * (job_config.py:442, 561); the loss read from the TensorBoard files of the metrics rank
     * (metrics.py:222-242: rank 0 without pipeline parallelism). CPU threads via OMP_NUM_THREADS.
     */
    public static TrainerSpec torchtitan(int ngpus) {
        return new TrainerSpec("torchtitan", List.of("./run_train.sh"), ".",
                Map.of("NGPU", "{ngpus}", "CONFIG_FILE", "{config}", "LOG_RANK", "0", "OMP_NUM_THREADS", "{threads}"),
                List.of("--job.dump_folder={run_dir}", "--debug.seed={seed}", "--debug.deterministic", "--training.steps={steps}",
                        "--metrics.enable_tensorboard", "--metrics.log_freq=1", "--metrics.save_tb_folder={tb}"),
                List.of(),
                List.of("--checkpoint.enable", "--checkpoint.create_seed_checkpoint", "--checkpoint.folder={seed_checkpoint}"),
                Map.of("NGPU", "1"),
                List.of("--checkpoint.enable", "--checkpoint.initial_load_path={seed_checkpoint}/step-0", "--checkpoint.load_only"),
                "seed_checkpoint", SeriesFormat.TENSORBOARD, null, 0, Map.of(), null, ngpus);
    }
}
