package dev.losscompare.harness.suite;

import java.util.List;

/**
 * The suite's {@code [gate]} section: how the gate runs each case (and how its goldens were
 * recorded), and the tolerance used where the environment differs from a golden's.
 */
public record GateSettings(int steps, long seed, int threads, List<String> trainOptions, double atol, double rtol) {
    public static final GateSettings DEFAULT = new GateSettings(3, 42, 1, List.of(), 1e-6, 1e-4);

    public GateSettings {
        trainOptions = List.copyOf(trainOptions);
    }
}
