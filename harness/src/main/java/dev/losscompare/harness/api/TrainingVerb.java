package dev.losscompare.harness.api;

import dev.losscompare.core.text.Setting;
import dev.losscompare.harness.UsageException;
import dev.losscompare.harness.adapter.OwnTrainer;
import dev.losscompare.harness.adapter.TrainerAdapter;
import dev.losscompare.harness.adapter.TrainerFile;
import dev.losscompare.harness.engine.Training;
import dev.losscompare.harness.run.Kernels;
import dev.losscompare.harness.suite.Suite;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A command that trains (compare, export, bisect): how every run trains, the same on every side.
 * Each setter is the command line's option of the same name; an option left unset takes its
 * default, and {@link #given()} says which were set (bisect --against-goldens refuses them).
 */
public abstract class TrainingVerb<SELF extends TrainingVerb<SELF, R>, R> extends Verb<SELF, R> {
    public static final int DEFAULT_STEPS = 100;
    public static final String DEFAULT_CONFIG = "configs/llama3_debug.toml";
    public static final long DEFAULT_SEED = 42;
    public static final int DEFAULT_THREADS = 1;

    /** The options set, in the order the help lists them. */
    private final Map<Setting, Object> given = new LinkedHashMap<>();
    private Integer steps;
    private String config;
    private Long seed;
    private Integer threads;
    private List<String> trainOptions = List.of();
    private boolean seedCheckpoint = true;
    private boolean portable;
    private Integer ngpus;
    private Path trainer;
    /** --baseline-env / --test-env, for the verbs that take them ({@link EnvironmentVerb}). */
    final EnvironmentSettings environments = settings().environments;

    TrainingVerb(LossCompare lc) {
        super(lc);
    }

    /** --steps: training steps per run (default 100). */
    public SELF setSteps(int steps) {
        this.steps = note(Setting.STEPS, steps);
        return self();
    }

    /** --config: the trainer config, relative to each revision's root (default configs/llama3_debug.toml). */
    public SELF setConfig(String config) {
        this.config = note(Setting.CONFIG, config);
        return self();
    }

    /** --seed: debug.seed for every run (default 42). */
    public SELF setSeed(long seed) {
        this.seed = note(Setting.SEED, seed);
        return self();
    }

    /** --threads: training.num_threads per run (default 1). */
    public SELF setThreads(int threads) {
        this.threads = note(Setting.THREADS, threads);
        return self();
    }

    /** --train-options: trainer options for every run (after the case's own, so they override them). */
    public SELF setTrainOptions(List<String> options) {
        this.trainOptions = note(Setting.TRAIN_OPTIONS, List.copyOf(options));
        return self();
    }

    /** false (--no-seed-checkpoint): every run initializes its own weights instead of loading the seeder's. */
    public SELF setSeedCheckpoint(boolean use) {
        this.seedCheckpoint = use;
        if (!use) note(Setting.SEED_CHECKPOINT, true);
        return self();
    }

    /** --portable: the portable kernel set, the same bits on any x86-64 machine with AVX2 and FMA. */
    public SELF setPortable(boolean portable) {
        this.portable = portable;
        if (portable) note(Setting.PORTABLE, true);
        return self();
    }

    /** --ngpus: ranks per run (default: each case's, else 1). */
    public SELF setNgpus(int ngpus) {
        this.ngpus = note(Setting.NGPUS, ngpus);
        return self();
    }

    /** --trainer: a trainer that is not this repository's (a TOML file with a [trainer] table); overrides a suite's. */
    public SELF setTrainer(Path file) {
        this.trainer = note(Setting.TRAINER, lc.resolve(file));
        return self();
    }

    private <T> T note(Setting option, T value) {
        given.put(option, value);
        return value;
    }

    /** The training options set, named as this call's user writes them. */
    List<String> given() {
        return new ArrayList<>(given.keySet().stream().map(words()::name).toList());
    }

    /** --steps as given, or null. */
    Integer stepsGiven() {
        return steps;
    }

    boolean configGiven() {
        return config != null;
    }

    String config() {
        return config != null ? config : DEFAULT_CONFIG;
    }

    List<String> trainOptions() {
        return trainOptions;
    }

    /** Seed checkpoints unless --no-seed-checkpoint, or the trainer file says seed = "none". */
    boolean seedCheckpoint(TrainerAdapter adapter) {
        return seedCheckpoint && adapter.seedCheckpoint();
    }

    /** --ngpus, checked: null when not set (each case's count). */
    Integer ngpus() {
        return Ranks.checked(ngpus, Setting.NGPUS, words());
    }

    /** How every run trains, checked. */
    Training training() {
        return training(null);
    }

    /** How every run of a suite's cases trains: --steps, else the suite's steps, else the default. */
    Training training(Suite suiteOrNull) {
        int s = steps != null ? steps : suiteOrNull != null && suiteOrNull.steps() != null ? suiteOrNull.steps() : DEFAULT_STEPS;
        int t = threads != null ? threads : DEFAULT_THREADS;
        if (s < 1) throw new UsageException(Setting.STEPS, words().name(Setting.STEPS) + " must be at least 1, got " + s);
        if (t < 1) throw new UsageException(Setting.THREADS, words().name(Setting.THREADS) + " must be at least 1, got " + t);
        return new Training(s, seed != null ? seed : DEFAULT_SEED, t, portable ? Kernels.PORTABLE : Kernels.NATIVE, timeout);
    }

    /**
     * The adapter {@code role}'s runs use: {@link #adapter(Suite)} in the environment chosen for that
     * side (the [environment.NAME] tables of --trainer=FILE, then the suite's), checked.
     */
    TrainerAdapter adapter(Suite suiteOrNull, dev.losscompare.core.judge.Role role) throws java.io.IOException {
        Map<String, dev.losscompare.harness.environment.Environment> declared = new LinkedHashMap<>();
        if (suiteOrNull != null) declared.putAll(suiteOrNull.environments());
        if (trainer != null) declared.putAll(TrainerFile.environments(trainer, words()));
        String in = trainer != null ? lc.console().show(trainer) + (suiteOrNull != null ? " or the suite" : "")
                : suiteOrNull != null ? "the suite" : null;
        return environments.choose(role, lc, declared, in, adapter(suiteOrNull));
    }

    /** --trainer=FILE, else the suite's [trainer], else this repository's trainer; checked that it can run here. */
    TrainerAdapter adapter(Suite suiteOrNull) {
        TrainerAdapter adapter = trainer != null ? TrainerFile.read(trainer, words())
                : suiteOrNull != null ? suiteOrNull.trainer() : OwnTrainer.INSTANCE;
        adapter.checkRunnable(lc.console().env(), words());
        return adapter;
    }
}
