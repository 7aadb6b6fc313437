package dev.losscompare.harness.api;

import dev.losscompare.core.text.SettingWords;
import dev.losscompare.core.text.Setting;
import dev.losscompare.core.judge.Role;
import dev.losscompare.harness.UsageException;
import dev.losscompare.harness.adapter.InEnvironment;
import dev.losscompare.harness.adapter.OwnTrainer;
import dev.losscompare.harness.adapter.TrainerAdapter;
import dev.losscompare.harness.environment.Environment;
import dev.losscompare.harness.environment.EnvironmentCheck;
import java.io.IOException;
import java.util.List;
import java.util.Map;

/**
 * --baseline-env / --test-env: the [environment.NAME] each side runs in (docs/environments.md).
 * {@link #choose} checks them all before anything is materialized: an unknown name, Maven
 * properties for a trainer that is not built with Maven, a prefix that does not run, a libtorch
 * version Maven cannot fetch: one line each.
 */
final class EnvironmentSettings {
    private static final Environment DEFAULT = new Environment(dev.losscompare.core.result.Environments.DEFAULT, List.of(), Map.of(), Map.of());

    private final SettingWords words;
    private String baseline;
    private String test;

    /** {@code words}: how messages name --baseline-env and --test-env. */
    EnvironmentSettings(SettingWords words) {
        this.words = words;
    }

    void baseline(String name) {
        this.baseline = name;
    }

    void test(String name) {
        this.test = name;
    }

    boolean given() {
        return baseline != null || test != null;
    }

    String name(Role role) {
        return role == Role.BASELINE ? baseline : test;
    }

    /**
     * The adapter a side runs with: {@code adapter} itself when no environment was chosen at all,
     * else wrapped in the side's environment (the default one when only the other side chose), with
     * what its interpreter reported. {@code declaredIn}: the file the tables came from, for messages (null: none was given).
     */
    TrainerAdapter choose(Role role, LossCompare lc, Map<String, Environment> declared, String declaredIn, TrainerAdapter adapter)
            throws IOException {
        if (!given()) return adapter;
        // both names first: a side's environment is announced only when the other's exists too
        requireDeclared(Setting.BASELINE_ENV, baseline, declared, declaredIn);
        requireDeclared(Setting.TEST_ENV, test, declared, declaredIn);
        String name = name(role);
        String option = words.name(role == Role.BASELINE ? Setting.BASELINE_ENV : Setting.TEST_ENV);
        Environment env = name == null ? DEFAULT : declared.get(name);
        if (env.changesBuild() && adapter.base() != OwnTrainer.INSTANCE) {
            Setting setting = role == Role.BASELINE ? Setting.BASELINE_ENV : Setting.TEST_ENV;
            throw new UsageException(setting, words.withValue(setting, name) + ": libtorch and maven_properties build this repository's trainer;"
                    + " the " + adapter.name() + " trainer is not built with Maven (use command_prefix or env)");
        }
        Map<String, String> probed = EnvironmentCheck.probe(env, adapter.python(), lc.console(), lc.repoDir(), option);
        EnvironmentCheck.checkLibtorch(env, lc.console(), option);
        lc.console().out().println(role.word() + " environment: " + env.describe()
                + (probed.isEmpty() ? "" : "; its interpreter reports " + String.join(", ",
                        probed.entrySet().stream().map(e -> e.getKey() + " " + e.getValue()).toList())));
        // this repository's trainer in no environment keeps its cache keys
        if (env == DEFAULT && probed.isEmpty()) return adapter;
        return new InEnvironment(adapter, env, probed);
    }

    /** {@code declaredIn}: the file(s) the tables came from, null when no --suite or --trainer file was given. */
    private void requireDeclared(Setting option, String name, Map<String, Environment> declared, String declaredIn) {
        if (name == null || declared.containsKey(name)) return;
        if (declaredIn == null) {
            throw new UsageException(option, words.withValue(option, name) + ": no [environment." + name + "]: environments are declared in a"
                    + " " + words.withValue(Setting.SUITE, "FILE") + " or " + words.withValue(Setting.TRAINER, "FILE") + ", and none was given");
        }
        throw new UsageException(option, words.withValue(option, name) + ": no [environment." + name + "] in " + declaredIn
                + (declared.isEmpty() ? " (it declares none)" : " (declared: " + String.join(", ", declared.keySet()) + ")"));
    }

    /** The same check of one environment for a verb with one side (calibrate): --test-env is refused there. */
    void onlyBaseline(String verb) {
        if (test != null) {
            throw new UsageException(Setting.TEST_ENV, words.name(Setting.TEST_ENV) + " has no effect with " + verb + ": its runs train in one environment, "
                    + words.name(Setting.BASELINE_ENV) + " (the one a later compare calls its baseline)");
        }
    }
}
