package dev.losscompare.harness.adapter;

import dev.losscompare.core.text.SettingWords;
import dev.losscompare.core.sources.SourcedSeries;
import dev.losscompare.harness.environment.Environment;
import dev.losscompare.harness.run.StepProbe;
import dev.losscompare.harness.run.TrainerArgs;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A trainer run in a named {@link Environment}: every run and seed checkpoint starts with the
 * environment's command prefix and variables on top of what {@code base} starts, and this
 * repository's trainer builds and checks its build with the environment's Maven properties. The
 * identity names the environment (and what its interpreter said, {@code probed}), so results of
 * two environments never share a cache entry. Everything else is {@code base}'s.
 */
public final class InEnvironment implements TrainerAdapter {
    private final TrainerAdapter base;
    private final Environment environment;
    private final Map<String, String> probed;

    /** @param probed the facts the environment's interpreter reported before any run (empty when none was asked) */
    public InEnvironment(TrainerAdapter base, Environment environment, Map<String, String> probed) {
        if (base instanceof InEnvironment) throw new IllegalArgumentException("a trainer runs in one environment");
        this.base = base;
        this.environment = environment;
        this.probed = Map.copyOf(probed);
    }

    public Environment environment() {
        return environment;
    }

    /** The environment {@code adapter} runs in, or null (none chosen). */
    public static Environment of(TrainerAdapter adapter) {
        return adapter instanceof InEnvironment e ? e.environment : null;
    }

    /** What the environment's interpreter reported before training (a Python trainer's facts). */
    public Map<String, String> probed() {
        return probed;
    }

    private Launch wrap(Launch launch) {
        if (launch == null) return null;
        Map<String, String> env = new LinkedHashMap<>(launch.environment());
        env.putAll(environment.env());
        env.putAll(buildEnvironment());   // run_train.sh checks its build on every run: with the same properties
        return new Launch(environment.prefixed(launch.command()), launch.workDir(), env, launch.tasks());
    }

    @Override
    public TrainerAdapter base() {
        return base;
    }

    @Override
    public Map<String, String> buildEnvironment() {
        return environment.changesBuild() ? Map.of(Environment.MAVEN_PROPERTIES_VARIABLE, environment.mavenPropertiesText()) : Map.of();
    }

    @Override
    public String name() {
        return base.name();
    }

    @Override
    public String identity() {
        return base.identity() + "\u0000" + environment.identity() + "\u0000" + new java.util.TreeMap<>(probed);
    }

    @Override
    public void checkRunnable(Map<String, String> env, SettingWords words) {
        base.checkRunnable(env, words);
    }

    @Override
    public List<String> buildCommand(Path revisionDir) {
        return base.buildCommand(revisionDir);
    }

    @Override
    public Launch train(TrainerArgs args, RunFiles files, Path seedOrNull) {
        return wrap(base.train(args, files, seedOrNull));
    }

    @Override
    public Launch trainWithCheckpoints(TrainerArgs args, RunFiles files, Path seedOrNull, Checkpoints checkpoints) {
        return wrap(base.trainWithCheckpoints(args, files, seedOrNull, checkpoints));
    }

    @Override
    public Launch trainWritingOwnInit(TrainerArgs args, RunFiles files, Path seed, Path ownInit) {
        return wrap(base.trainWritingOwnInit(args, files, seed, ownInit));
    }

    @Override
    public boolean writesOwnCheckpoints() {
        return base.writesOwnCheckpoints();
    }

    @Override
    public Launch createSeed(TrainerArgs args, RunFiles files, Path seed) {
        return wrap(base.createSeed(args, files, seed));
    }

    @Override
    public boolean writesJsonl() {
        return base.writesJsonl();
    }

    @Override
    public SourcedSeries read(RunFiles files, Path log) {
        return base.read(files, log);
    }

    @Override
    public StepProbe progress(RunFiles files, Path log) {
        return base.progress(files, log);
    }

    @Override
    public String describe(Path revisionDir) {
        return base.describe(revisionDir);
    }

    @Override
    public List<String> fromWorkingTree() {
        return base.fromWorkingTree();
    }

    @Override
    public boolean seedCheckpoint() {
        return base.seedCheckpoint();
    }

    @Override
    public String seedName() {
        return base.seedName();
    }

    @Override
    public String trace() {
        return base.trace();
    }

    @Override
    public String python() {
        return base.python();
    }

    @Override
    public boolean seedIsSafetensorsFile() {
        return base.seedIsSafetensorsFile();
    }
}
