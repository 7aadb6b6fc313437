package dev.losscompare.harness.suite;

import java.util.List;

/**
 * A parsed suite file: its cases, its gate settings, and the paths its trainer reads
 * ({@code inputs}, relative to the repository root; empty: the whole tree), so that an edit
 * elsewhere (a README) reuses builds and results.
 */
public record Suite(List<SuiteCase> cases, GateSettings gate, List<String> inputs) {
    public Suite {
        cases = List.copyOf(cases);
        inputs = List.copyOf(inputs);
    }
}
