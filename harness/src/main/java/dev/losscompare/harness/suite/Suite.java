package dev.losscompare.harness.suite;

import dev.losscompare.harness.adapter.TrainerAdapter;
import dev.losscompare.harness.environment.Environment;
import dev.losscompare.harness.launch.LauncherTable;
import dev.losscompare.harness.noise.Perturbation;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A parsed suite file: its cases, its gate settings ({@code [gate]}), how and where its runs are
 * made ({@link Runs}) and how a comparison or calibration of it is judged ({@link Judged}).
 */
public record Suite(List<SuiteCase> cases, GateSettings gate, Runs runs, Judged judged) {
    public Suite {
        cases = List.copyOf(cases);
    }

    /**
     * How and where the suite's runs are made. {@code trainer}: how to drive the trainer (its
     * {@code [trainer]} table; this repository's trainer when there is none). {@code inputs}: the
     * paths the trainer reads (relative to the repository root; empty: the whole tree), so that an
     * edit elsewhere (a README) reuses builds and results. {@code environments}: its
     * {@code [environment.NAME]} tables, by name (--baseline-env, --test-env). {@code launcher}: its
     * {@code [launcher]} table (null: none), where the runs of a call that names no launcher start.
     */
    public record Runs(TrainerAdapter trainer, List<String> inputs, Map<String, Environment> environments, LauncherTable launcher) {
        public Runs {
            inputs = List.copyOf(inputs);
            environments = Collections.unmodifiableMap(new LinkedHashMap<>(environments));
        }
    }

    /**
     * How a comparison or calibration of the suite is judged. {@code noise}: the folder of the
     * suite's noise envelopes (relative to the working directory; null: none), so its cases are
     * judged within measured noise. {@code perf}: its {@code [perf]} table (thresholds and rounds of
     * the performance verdict; {@link PerfTable#NONE} when absent). {@code steps}: how many steps a
     * comparison or calibration trains when the command line gives no --steps (null: the default),
     * so a suite whose envelopes were calibrated at N steps is compared at N. {@code perturbations}:
     * what calibrate varies for another trainer ({@code [[perturbation]]} tables; empty: plain repeats).
     */
    public record Judged(String noise, PerfTable perf, Integer steps, List<Perturbation.OptionSet> perturbations) {
        public Judged {
            perturbations = List.copyOf(perturbations);
        }
    }

    /** The same suite with only these cases (--cases). */
    public Suite withCases(List<SuiteCase> selected) {
        return new Suite(selected, gate, runs, judged);
    }

    public TrainerAdapter trainer() {
        return runs.trainer();
    }

    public List<String> inputs() {
        return runs.inputs();
    }

    public Map<String, Environment> environments() {
        return runs.environments();
    }

    public LauncherTable launcher() {
        return runs.launcher();
    }

    public String noise() {
        return judged.noise();
    }

    public PerfTable perf() {
        return judged.perf();
    }

    public Integer steps() {
        return judged.steps();
    }

    public List<Perturbation.OptionSet> perturbations() {
        return judged.perturbations();
    }
}
