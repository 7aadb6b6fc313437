package dev.losscompare.harness.api;

/** A verb whose sides may run in named environments: --baseline-env, --test-env (docs/environments.md). */
public interface EnvironmentVerb<SELF> {
    /** --baseline-env: the [environment.NAME] the baseline's runs use (default: this process's own). */
    SELF setBaselineEnv(String name);

    /** --test-env: the [environment.NAME] the test's runs use. */
    SELF setTestEnv(String name);
}
