package dev.losscompare.core.perf;

import dev.losscompare.core.result.Verdict;
import java.util.List;

/**
 * The performance verdict of a case, beside its numeric one: the status, the one line every
 * output shows, how the noise was measured ({@code noiseMethod}), the steps the medians cover,
 * each quantity's change and both sides' measurements. comparison.json's {@code performance}.
 */
public record PerfVerdict(PerfStatus status, String line, String noiseMethod, int warmupSteps, Integer firstStep,
                          Integer lastStep, List<PerfChange> changes, PerfThresholds thresholds, SidePerf baseline,
                          SidePerf test) {
    public PerfVerdict {
        changes = changes == null ? List.of() : List.copyOf(changes);
    }

    public Verdict verdict() {
        return status.verdict();
    }

    /** The change of one quantity, or null when it was not compared. */
    public PerfChange change(PerfQuantity q) {
        return changes.stream().filter(c -> c.quantity() == q).findFirst().orElse(null);
    }

    /** A few words for a table cell: "-38.2% tps, -81.3% mem", "no change", "FAIL -31.2% tps". */
    public String cell() {
        StringBuilder s = new StringBuilder();
        for (PerfChange c : changes) {
            if (c.outcome() != PerfOutcome.CHANGED && c.outcome() != PerfOutcome.EXCEEDS) continue;
            if (c.quantity() == PerfQuantity.TFLOPS || c.quantity() == PerfQuantity.MFU) continue;
            if (s.length() > 0) s.append(", ");
            s.append(PerfText.percent(c.change())).append(' ').append(PerfText.shortName(c.quantity()));
        }
        if (status == PerfStatus.NOT_COMPARABLE) return "not comparable";
        String what = s.length() == 0 ? (status == PerfStatus.ERROR ? "undecided" : "no change") : s.toString();
        return status == PerfStatus.PASS || status == PerfStatus.WARNING ? what : status.name() + " " + what;
    }
}
