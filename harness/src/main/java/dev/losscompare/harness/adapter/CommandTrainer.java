package dev.losscompare.harness.adapter;

import dev.losscompare.harness.Wording;
import dev.losscompare.harness.run.StepProbe;
import dev.losscompare.harness.run.TrainerArgs;
import dev.losscompare.core.sources.PatternLogSource;
import dev.losscompare.core.sources.RunSources;
import dev.losscompare.core.sources.SeriesFormat;
import dev.losscompare.core.sources.SourceOptions;
import dev.losscompare.core.sources.SourcedSeries;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * A trainer described by a {@link TrainerSpec}: the torchtitan preset, or any command. Every
 * argument and environment value is a template; {@code {config} {steps} {seed} {threads}
 * {ngpus} {metrics} {tb} {run_dir} {seed_checkpoint}} are filled in per run ({@code {ngpus}}: the
 * side's rank count, so a parity case's sides start torchrun with 1 and 2 processes), and the
 * case's and user's trainer options follow the spec's arguments.
 */
public final class CommandTrainer implements SpecBackedTrainer {
    /** torchtitan's loss tag (components/metrics.py) and its log's step field, for the progress line. */
    private static final String TORCHTITAN_LOSS_TAG = "loss_metrics/global_avg_loss";
    private static final Pattern TORCHTITAN_STEP = Pattern.compile("step:\\s*(?<step>\\d+)\\s");
    private final TrainerSpec spec;
    private final CheckpointTemplates checkpoints;

    /** The torchtitan preset knows its checkpoint flags; a command has none unless given. */
    public CommandTrainer(TrainerSpec spec) {
        this(spec, spec.preset().equals("torchtitan") ? CheckpointTemplates.torchtitan() : CheckpointTemplates.NONE);
    }

    public CommandTrainer(TrainerSpec spec, CheckpointTemplates checkpoints) {
        this.spec = spec;
        this.checkpoints = checkpoints;
    }

    @Override
    public String name() {
        return spec.preset();
    }

    @Override
    public String identity() {
        return spec.toString();
    }

    @Override
    public List<String> buildCommand(Path revisionDir) {
        if (spec.build().isEmpty()) return List.of();
        List<String> command = new ArrayList<>(spec.build());
        command.set(0, executable(revisionDir, command.get(0)));
        return command;
    }

    @Override
    public Launch train(TrainerArgs args, RunFiles files, Path seedOrNull) {
        return train(args, files, seedOrNull, Map.of());
    }

    /** The same with placeholders of the caller's ({@code {module}} for torchtitan's registry layout). */
    Launch train(TrainerArgs args, RunFiles files, Path seedOrNull, Map<String, String> placeholders) {
        Map<String, String> values = values(args, files, seedOrNull, args.ngpus());
        values.putAll(placeholders);
        List<String> extra = seedOrNull == null ? List.of() : spec.loadSeed();
        List<String> command = command(args.revisionDir(), values, extra);
        command.addAll(args.userOptions());
        return new Launch(command, workDir(args), environment(args, values, Map.of()));
    }

    @Override
    public Launch trainWithCheckpoints(TrainerArgs args, RunFiles files, Path seedOrNull, Checkpoints at) {
        return trainWithCheckpoints(args, files, seedOrNull, at, Map.of());
    }

    /** The same with placeholders of the caller's ({@code {module}} for torchtitan's registry layout). */
    Launch trainWithCheckpoints(TrainerArgs args, RunFiles files, Path seedOrNull, Checkpoints at, Map<String, String> placeholders) {
        if (!checkpoints.supported()) return null;
        Map<String, String> values = values(args, files, seedOrNull, args.ngpus());
        values.putAll(placeholders);
        values.put("checkpoint_folder", at.folder().toAbsolutePath().toString());
        values.put("checkpoint_interval", String.valueOf(at.interval()));
        values.put("resume_step", at.resumeStep() == null ? "" : String.valueOf(at.resumeStep()));
        List<String> extra = new ArrayList<>();
        if (seedOrNull != null) extra.addAll(checkpoints.loadSeed() != null ? checkpoints.loadSeed() : spec.loadSeed());
        extra.addAll(checkpoints.save());
        if (at.resumeStep() != null) extra.addAll(checkpoints.resume());
        List<String> command = command(args.revisionDir(), values, extra);
        command.addAll(args.userOptions());
        return new Launch(command, workDir(args), environment(args, values, Map.of()));
    }

    @Override
    public Launch createSeed(TrainerArgs args, RunFiles files, Path seed) {
        return createSeed(args, files, seed, Map.of());
    }

    Launch createSeed(TrainerArgs args, RunFiles files, Path seed, Map<String, String> placeholders) {
        if (spec.createSeed().isEmpty()) return null;
        // A seed checkpoint is written unsharded by one process (torchtitan: "requires NGPU=1").
        Map<String, String> values = values(args, files, seed, 1);
        values.putAll(placeholders);
        List<String> command = command(args.revisionDir(), values, spec.createSeed());
        command.addAll(args.userOptions());
        return new Launch(command, workDir(args), environment(args, values, spec.createSeedEnv()));
    }

    @Override
    public boolean writesJsonl() {
        return spec.metrics() == SeriesFormat.JSONL;
    }

    @Override
    public SourcedSeries read(RunFiles files, Path log) {
        return switch (spec.metrics()) {
            // a run's series: what reading it says goes into the outputs, in the command line's words
            case JSONL -> RunSources.read(files.series(), new SourceOptions(SeriesFormat.JSONL, null, Map.of(), Wording.COMMAND_LINE));
            case TENSORBOARD -> RunSources.read(files.tensorboard(),
                    new SourceOptions(SeriesFormat.TENSORBOARD, null, spec.tags(), Wording.COMMAND_LINE));
            case TORCHTITAN_LOG -> spec.linePattern() == null
                    ? RunSources.read(log, new SourceOptions(SeriesFormat.TORCHTITAN_LOG, spec.logRank(), Map.of(), Wording.COMMAND_LINE))
                    : PatternLogSource.read(log, Pattern.compile(spec.linePattern()), spec.stepOffset());
            case MEGATRON_GOLDEN -> throw new IllegalStateException("a trainer does not write golden values");
        };
    }

    /** The progress line reads the same place the metrics come from: JSONL, the TensorBoard loss tag, or the log's step lines. */
    @Override
    public StepProbe progress(RunFiles files, Path log) {
        return switch (spec.metrics()) {
            case JSONL -> StepProbe.jsonl(files.partial());
            case TENSORBOARD -> StepProbe.tensorboard(files.tensorboard(), spec.tags().getOrDefault("loss", TORCHTITAN_LOSS_TAG));
            case TORCHTITAN_LOG -> spec.linePattern() == null ? StepProbe.log(log, TORCHTITAN_STEP, 0)
                    : StepProbe.log(log, Pattern.compile(spec.linePattern()), spec.stepOffset());
            case MEGATRON_GOLDEN -> () -> 0;
        };
    }

    @Override
    public String python() {
        return dev.losscompare.harness.environment.Environment.isPython(spec.command().get(0)) ? spec.command().get(0) : null;
    }

    @Override
    public TrainerSpec spec() {
        return spec;
    }

    /** The [trainer] table names the seed checkpoint; only a ".safetensors" name is one file of that format. */
    @Override
    public boolean seedIsSafetensorsFile() {
        return spec.seedName().endsWith(".safetensors");
    }

    private List<String> command(Path revisionDir, Map<String, String> values, List<String> extra) {
        List<String> command = new ArrayList<>();
        for (String part : spec.command()) command.add(fill(part, values));
        command.set(0, executable(revisionDir, command.get(0)));
        for (String a : spec.args()) command.add(fill(a, values));
        for (String a : extra) command.add(fill(a, values));
        return command;
    }

    private Path workDir(TrainerArgs args) {
        return args.revisionDir().resolve(spec.workdir()).normalize();
    }

    private Map<String, String> environment(TrainerArgs args, Map<String, String> values, Map<String, String> overrides) {
        Map<String, String> env = new LinkedHashMap<>(args.environment());
        spec.env().forEach((k, v) -> env.put(k, fill(v, values)));
        overrides.forEach((k, v) -> env.put(k, fill(v, values)));
        return env;
    }

    private static Map<String, String> values(TrainerArgs args, RunFiles files, Path seed, int ngpus) {
        Map<String, String> v = new LinkedHashMap<>();
        v.put("config", args.config() == null ? "" : args.config());
        v.put("steps", String.valueOf(args.steps()));
        v.put("seed", String.valueOf(args.seed()));
        v.put("threads", String.valueOf(args.threads()));
        v.put("ngpus", String.valueOf(ngpus));
        v.put("metrics", files.partial().toAbsolutePath().toString());
        v.put("tb", files.tensorboard().toAbsolutePath().toString());
        v.put("run_dir", files.scratch().toAbsolutePath().toString());
        v.put("seed_checkpoint", seed == null ? "" : seed.toAbsolutePath().toString());
        return v;
    }

    /** Replaces each {name} of a known placeholder; other braces are left as they are. */
    static String fill(String template, Map<String, String> values) {
        String out = template;
        for (var e : values.entrySet()) out = out.replace("{" + e.getKey() + "}", e.getValue());
        return out;
    }

    /** "./run_train.sh" or "tools/train.sh" run from the revision; "python3" is found on PATH. */
    private static String executable(Path revisionDir, String first) {
        return first.contains("/") && !Path.of(first).isAbsolute() ? revisionDir.resolve(first).normalize().toString() : first;
    }
}
