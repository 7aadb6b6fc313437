package dev.losscompare.harness.suite;

import dev.losscompare.harness.noise.Perturbation;

import dev.losscompare.harness.adapter.TrainerAdapter;
import dev.losscompare.harness.launch.LauncherTable;
import java.util.List;

/**
 * A parsed suite file: its cases, its gate settings, and the paths its trainer reads
 * ({@code inputs}, relative to the repository root; empty: the whole tree), so that an edit
 * elsewhere (a README) reuses builds and results. {@code trainer}: how to drive the trainer (its
 * {@code [trainer]} table; this repository's trainer when there is none). {@code noise}: the folder of
 * the suite's noise envelopes (relative to the working directory; null: none), so its cases are
 * judged within measured noise; {@code perturbations}: what calibrate varies for another trainer
 * ({@code [[perturbation]]} tables; empty: plain repeats). {@code perf}: its {@code [perf]} table
 * (thresholds and rounds of the performance verdict; {@link PerfTable#NONE} when absent).
 * {@code steps}: how many steps a comparison or calibration of the suite trains when the command
 * line gives no --steps (null: the default), so a suite whose envelopes were calibrated at N steps
 * is compared at N. {@code environments}: its {@code [environment.NAME]} tables, by name (--baseline-env, --test-env).
 * {@code launcher}: its {@code [launcher]} table (null: none), where the runs of a call that names no launcher start.
 */
public record Suite(List<SuiteCase> cases, GateSettings gate, List<String> inputs, TrainerAdapter trainer, String noise,
                    List<Perturbation.OptionSet> perturbations, PerfTable perf, Integer steps,
                    java.util.Map<String, dev.losscompare.harness.environment.Environment> environments, LauncherTable launcher) {
    public Suite {
        environments = java.util.Collections.unmodifiableMap(new java.util.LinkedHashMap<>(environments));
        cases = List.copyOf(cases);
        inputs = List.copyOf(inputs);
        perturbations = List.copyOf(perturbations);
    }

    /** The same suite with only these cases (--cases). */
    public Suite withCases(List<SuiteCase> selected) {
        return new Suite(selected, gate, inputs, trainer, noise, perturbations, perf, steps, environments, launcher);
    }
}
