package dev.losscompare.harness.api;

import dev.losscompare.core.text.SettingWords;
/**
 * The values a command object holds for the option groups its verb interfaces set (judge, noise,
 * performance, suite, environments, resume check): each setter is written once, as a default
 * method of {@link JudgingVerb}, {@link MetricVerb}, {@link NoisyVerb}, {@link PerfVerb},
 * {@link TimedPerfVerb}, {@link SuiteVerb}, {@link EnvironmentVerb} or {@link ResumingVerb} over these.
 * Only this package reads them.
 */
public final class VerbSettings {
    final JudgeSettings judge;
    final PerfSettings perf;
    final SuiteSettings suite;
    final EnvironmentSettings environments;
    /** --resume-at as given, or null ({@link ResumingVerb}). */
    Integer resumeAt;

    /** {@code words}: how bad-input messages name the settings (the caller's {@code LossCompare.setWording}). */
    VerbSettings(SettingWords words) {
        this.judge = new JudgeSettings(words);
        this.perf = new PerfSettings(words);
        this.suite = new SuiteSettings(words);
        this.environments = new EnvironmentSettings(words);
    }

    /** A verb interface's default setter returns its command object. */
    @SuppressWarnings("unchecked")
    static <SELF> SELF self(SettingsVerb verb) {
        return (SELF) verb;
    }
}
