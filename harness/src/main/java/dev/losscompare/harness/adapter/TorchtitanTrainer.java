package dev.losscompare.harness.adapter;

import dev.losscompare.core.sources.SourcedSeries;
import dev.losscompare.harness.UsageException;
import dev.losscompare.harness.run.StepProbe;
import dev.losscompare.harness.run.TrainerArgs;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The torchtitan preset: torchtitan's ./run_train.sh in whichever of its two layouts the revision
 * has, so a sign-off or a bisect across torchtitan's config refactor works. Which one is read
 * from the revision's run_train.sh ({@link Layout#of}); a case's config names a TOML file for the
 * config-file layout, {@code MODULE:CONFIG} for the registry layout, or both separated by
 * {@code |} for a case that runs on either.
 */
public final class TorchtitanTrainer implements SpecBackedTrainer {
    /** torchtitan's two launch layouts, told apart by what run_train.sh reads. */
    public enum Layout {
        /** Until torchtitan 9810191bb (2026-02-23): CONFIG_FILE=path.toml ./run_train.sh --job.dump_folder=... */
        CONFIG_FILE("config-file layout (CONFIG_FILE=… ./run_train.sh --job.dump_folder=…)"),
        /** From torchtitan 9810191bb on: MODULE=… CONFIG=… ./run_train.sh --dump_folder=…, configs from a registry. */
        REGISTRY("registry layout (MODULE=… CONFIG=… ./run_train.sh --dump_folder=…)");

        private final String describe;

        Layout(String describe) {
            this.describe = describe;
        }

        public String describe() {
            return describe;
        }

        /** The layout of the revision at {@code revisionDir}, read from its run_train.sh; anything else is a UsageException. */
        public static Layout of(Path revisionDir) {
            Path script = revisionDir.resolve("run_train.sh");
            String text;
            try {
                text = Files.readString(script);
            } catch (IOException e) {
                throw new UsageException(UsageException.Reason.REVISION, "torchtitan preset: this revision has no run_train.sh (is it a torchtitan checkout?)");
            }
            // What the script runs, not its comments (those carry usage examples).
            String code = text.lines().filter(l -> !l.strip().startsWith("#")).collect(java.util.stream.Collectors.joining("\n"));
            if (code.contains("--module") && code.contains("CONFIG")) return REGISTRY;
            if (code.contains("CONFIG_FILE")) return CONFIG_FILE;
            throw new UsageException(UsageException.Reason.REVISION, "torchtitan preset: run_train.sh reads neither CONFIG_FILE nor MODULE/CONFIG: an unknown"
                    + " torchtitan layout; describe it with preset = \"command\"");
        }
    }

    private final CommandTrainer configFile;
    private final CommandTrainer registry;
    private final TrainerSpec spec;

    /** {@code spec}: the config-file layout's spec with the user's overrides; the registry layout shares everything but launch. */
    public TorchtitanTrainer(TrainerSpec configFileSpec, TrainerSpec registrySpec) {
        this.spec = configFileSpec;
        this.configFile = new CommandTrainer(configFileSpec);
        this.registry = new CommandTrainer(registrySpec);
    }

    /**
     * The config-file layout, driven as torchtitan 9810191bb^ (2026-02-22) scripts/loss_compare.py
     * drives it (build_base_command, build_training_command, create_seed_checkpoint):
     * CONFIG_FILE and NGPU for run_train.sh (run_train.sh: {@code --job.config_file ${CONFIG_FILE}}),
     * {@code --job.dump_folder}, FIXED_OPTIONS {@code --debug.deterministic --debug.seed},
     * {@code --training.steps}, TensorBoard at every step (as torchtitan 6a3a9da9's script added it:
     * {@code --metrics.enable_tensorboard --metrics.log_freq=1 --metrics.save_tb_folder}); the seed
     * checkpoint with {@code --checkpoint.enable --checkpoint.create_seed_checkpoint} on NGPU=1 into
     * {@code --checkpoint.folder}, loaded with {@code --checkpoint.initial_load_path=…/step-0
     * --checkpoint.load_only} (job_config.py at 6a3a9da9: 442, 554-561). CPU threads via OMP_NUM_THREADS.
     */
    public static TrainerSpec configFileLayout(int ngpus) {
        return new TrainerSpec("torchtitan", List.of("./run_train.sh"), ".",
                Map.of("NGPU", "{ngpus}", "CONFIG_FILE", "{config}", "LOG_RANK", "0", "OMP_NUM_THREADS", "{threads}"),
                List.of("--job.dump_folder={run_dir}", "--debug.seed={seed}", "--debug.deterministic", "--training.steps={steps}",
                        "--metrics.enable_tensorboard", "--metrics.log_freq=1", "--metrics.save_tb_folder={tb}"),
                List.of(), SEED, Map.of("NGPU", "1"), LOAD, "seed_checkpoint",
                dev.losscompare.core.sources.SeriesFormat.TENSORBOARD, null, 0, Map.of(), null, ngpus);
    }

    /**
     * The registry layout, as torchtitan b5bcd76c (2026-08-21, main) scripts/loss_compare.py drives
     * it: {@code MODULE='…' CONFIG='…' ./run_train.sh --dump_folder=…} (build_base_command), then
     * FIXED_OPTIONS {@code --debug.deterministic --debug.seed=42 --metrics.enable_tensorboard
     * --metrics.log_freq=1}, {@code --training.steps} and {@code --metrics.save_tb_folder}
     * (build_training_command); run_train.sh passes {@code --module ${MODULE} --config ${CONFIG} "$@"}
     * to torchtitan.train (config/manager.py: both required). The checkpoint keys are unchanged
     * (components/checkpointer/base.py: folder, initial_load_path (absolute), create_seed_checkpoint,
     * load_only; dcp.py: step-N folders), the seed checkpoint again on NGPU=1.
     */
    public static TrainerSpec registryLayout(int ngpus) {
        return new TrainerSpec("torchtitan", List.of("./run_train.sh"), ".",
                Map.of("NGPU", "{ngpus}", "MODULE", "{module}", "CONFIG", "{config}", "LOG_RANK", "0", "OMP_NUM_THREADS", "{threads}"),
                List.of("--dump_folder={run_dir}", "--debug.seed={seed}", "--debug.deterministic", "--training.steps={steps}",
                        "--metrics.enable_tensorboard", "--metrics.log_freq=1", "--metrics.save_tb_folder={tb}"),
                List.of(), SEED, Map.of("NGPU", "1"), LOAD, "seed_checkpoint",
                dev.losscompare.core.sources.SeriesFormat.TENSORBOARD, null, 0, Map.of(), null, ngpus);
    }

    private static final List<String> SEED = List.of("--checkpoint.enable", "--checkpoint.create_seed_checkpoint",
            "--checkpoint.folder={seed_checkpoint}");
    private static final List<String> LOAD = List.of("--checkpoint.enable", "--checkpoint.initial_load_path={seed_checkpoint}/step-0",
            "--checkpoint.load_only");

    @Override
    public String name() {
        return "torchtitan";
    }

    @Override
    public String identity() {
        return "torchtitan " + configFile.identity() + " " + registry.identity();
    }

    @Override
    public List<String> buildCommand(Path revisionDir) {
        return List.of();
    }

    @Override
    public Launch train(TrainerArgs args, RunFiles files, Path seedOrNull) {
        Configured c = forLayout(args);
        return forRevision(args).train(c.args(), files, seedOrNull, c.values());
    }

    /** torchtitan's checkpoint flags (CheckpointTemplates.torchtitan), in either layout. */
    @Override
    public Launch trainWithCheckpoints(TrainerArgs args, RunFiles files, Path seedOrNull, Checkpoints checkpoints) {
        Configured c = forLayout(args);
        return forRevision(args).trainWithCheckpoints(c.args(), files, seedOrNull, checkpoints, c.values());
    }

    @Override
    public Launch createSeed(TrainerArgs args, RunFiles files, Path seed) {
        Configured c = forLayout(args);
        return forRevision(args).createSeed(c.args(), files, seed, c.values());
    }

    @Override
    public boolean writesJsonl() {
        return false;
    }

    @Override
    public SourcedSeries read(RunFiles files, Path log) {
        return configFile.read(files, log);
    }

    @Override
    public StepProbe progress(RunFiles files, Path log) {
        return configFile.progress(files, log);
    }

    @Override
    public TrainerSpec spec() {
        return spec;
    }

    /** torchtitan's seed checkpoint is a DCP folder, never one safetensors file (so it is not result-cached). */
    @Override
    public boolean seedIsSafetensorsFile() {
        return false;
    }

    @Override
    public String describe(Path revisionDir) {
        return "torchtitan " + Layout.of(revisionDir).describe();
    }

    private CommandTrainer forRevision(TrainerArgs args) {
        return Layout.of(args.revisionDir()) == Layout.REGISTRY ? registry : configFile;
    }

    /** A run's arguments with the config this layout takes, and the placeholders it adds ({module}). */
    private record Configured(TrainerArgs args, Map<String, String> values) {}

    /** The case's config as this revision's layout takes it: a TOML path, or MODULE:CONFIG split into {module} and {config}. */
    private static Configured forLayout(TrainerArgs args) {
        Layout layout = Layout.of(args.revisionDir());
        List<String> registryNames = new ArrayList<>();
        List<String> files = new ArrayList<>();
        for (String part : args.config().split("\\|")) {
            String p = part.strip();
            if (p.isEmpty()) continue;
            if (isRegistryName(p)) registryNames.add(p);
            else files.add(p);
        }
        if (layout == Layout.CONFIG_FILE) {
            if (files.size() != 1) throw new UsageException(UsageException.Reason.REVISION, "torchtitan preset: this revision has the " + layout.describe()
                    + " and needs one TOML config file in the case's config, got '" + args.config() + "'");
            return new Configured(args.withConfig(files.get(0)), Map.of());
        }
        if (registryNames.size() != 1) throw new UsageException(UsageException.Reason.REVISION, "torchtitan preset: this revision has the " + layout.describe()
                + " and needs MODULE:CONFIG in the case's config (e.g. llama3:llama3_debugmodel), got '" + args.config() + "'");
        String[] mc = registryNames.get(0).split(":", 2);
        return new Configured(args.withConfig(mc[1]), Map.of("module", mc[0]));
    }

    /** "llama3:llama3_debugmodel": a torchtitan module and a config of its registry, not a file. */
    public static boolean isRegistryName(String config) {
        return config.matches("[A-Za-z_][A-Za-z0-9_.]*:[A-Za-z_][A-Za-z0-9_]*");
    }

    /** A case config that names at least one registry config (and so need not be a file in every revision). */
    public static boolean namesRegistryConfig(String config) {
        for (String part : config.split("\\|")) if (isRegistryName(part.strip())) return true;
        return false;
    }
}
