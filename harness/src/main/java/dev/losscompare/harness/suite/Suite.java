package dev.losscompare.harness.suite;

import java.util.List;

/** A parsed suite file: its cases and its gate settings. */
public record Suite(List<SuiteCase> cases, GateSettings gate) {
    public Suite {
        cases = List.copyOf(cases);
    }
}
