package dev.losscompare.harness.suite;

import dev.losscompare.harness.adapter.TrainerAdapter;
import java.util.List;

/**
 * A parsed suite file: its cases, its gate settings, and the paths its trainer reads
 * ({@code inputs}, relative to the repository root; empty: the whole tree), so that an edit
 * elsewhere (a README) reuses builds and results. {@code trainer}: how to drive the trainer (its
 * {@code [trainer]} table; this repository's trainer when there is none).
 */
public record Suite(List<SuiteCase> cases, GateSettings gate, List<String> inputs, TrainerAdapter trainer) {
    public Suite {
        cases = List.copyOf(cases);
        inputs = List.copyOf(inputs);
    }
}
