package dev.losscompare.harness.api;

import dev.losscompare.core.text.SettingWords;
/**
 * The values a command object holds for the option groups its verb interfaces set (judge, noise,
 * performance): each setter is written once, as a default method of {@link JudgingVerb},
 * {@link MetricVerb}, {@link NoisyVerb}, {@link PerfVerb} or {@link TimedPerfVerb} over these.
 * Only this package reads them.
 */
public final class VerbSettings {
    final JudgeSettings judge;
    final PerfSettings perf;

    /** {@code words}: how bad-input messages name the settings (the caller's {@code LossCompare.setWording}). */
    VerbSettings(SettingWords words) {
        this.judge = new JudgeSettings(words);
        this.perf = new PerfSettings(words);
    }

    /** A verb interface's default setter returns its command object. */
    @SuppressWarnings("unchecked")
    static <SELF> SELF self(SettingsVerb verb) {
        return (SELF) verb;
    }
}
