package dev.losscompare.core.result;

import java.util.List;

/**
 * Whether the trainer repeats itself bitwise, as found for a case: by a second run of its
 * baseline (a bitwise FAIL with no envelope) or by the plain repeats its noise envelope was
 * calibrated from. comparison.json's {@code trainer_repeats} (absent where nothing was found out),
 * so a machine reader need not parse the verdict line. {@code fromStep}: the first step the runs
 * parted (null when bitwise); {@code parted}: per metric, where and how far (empty when only the
 * envelope's first step is known).
 */
public record TrainerRepeats(boolean bitwise, String measuredBy, Integer fromStep, List<Parting> parted) {
    /** What found it out: a second run of the baseline. */
    public static final String SECOND_RUN = "a second run of the baseline";

    /** One metric's two runs: first different at {@code fromStep}, by up to {@code largest} (at {@code atStep}). */
    public record Parting(String metric, int fromStep, double largest, int atStep) {}

    public TrainerRepeats {
        parted = parted == null ? List.of() : List.copyOf(parted);
    }

    /** A second run of the baseline was identical. */
    public static TrainerRepeats bitwiseBySecondRun() {
        return new TrainerRepeats(true, SECOND_RUN, null, List.of());
    }
}
