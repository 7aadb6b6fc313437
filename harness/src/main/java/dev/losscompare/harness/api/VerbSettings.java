package dev.losscompare.harness.api;

/**
 * The values a command object holds for the option groups its verb interfaces set (judge, noise,
 * performance): each setter is written once, as a default method of {@link JudgingVerb},
 * {@link MetricVerb}, {@link NoisyVerb}, {@link PerfVerb} or {@link TimedPerfVerb} over these.
 * Only this package reads them.
 */
public final class VerbSettings {
    final JudgeSettings judge = new JudgeSettings();
    final PerfSettings perf = new PerfSettings();

    VerbSettings() {}

    /** A verb interface's default setter returns its command object. */
    @SuppressWarnings("unchecked")
    static <SELF> SELF self(SettingsVerb verb) {
        return (SELF) verb;
    }
}
