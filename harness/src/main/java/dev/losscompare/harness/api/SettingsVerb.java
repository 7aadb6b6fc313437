package dev.losscompare.harness.api;

/** A command object whose verb interfaces set shared option groups: their default setters write into its settings. */
public interface SettingsVerb {
    /** The values set so far (the API reads them when the command runs). */
    VerbSettings settings();
}
