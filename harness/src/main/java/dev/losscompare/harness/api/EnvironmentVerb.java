package dev.losscompare.harness.api;

/** A verb whose sides may run in named environments: --baseline-env, --test-env (docs/environments.md). */
public interface EnvironmentVerb<SELF> extends SettingsVerb {
    /** --baseline-env: the [environment.NAME] the baseline's runs use (default: this process's own; bisect: GOOD's runs). */
    default SELF setBaselineEnv(String name) {
        settings().environments.baseline(name);
        return VerbSettings.self(this);
    }

    /** --test-env: the [environment.NAME] the test's runs use (bisect: the probed commits'; calibrate refuses it). */
    default SELF setTestEnv(String name) {
        settings().environments.test(name);
        return VerbSettings.self(this);
    }
}
