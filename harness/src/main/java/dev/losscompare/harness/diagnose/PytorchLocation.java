package dev.losscompare.harness.diagnose;

import dev.losscompare.core.result.Diagnosis;
import java.util.List;
import java.util.Map;

/**
 * Two sides' PyTorch traces, rank by rank: the first rank (in rank order) whose ops part of
 * themselves, not through a collective another rank fed, located ({@link OpLocator}), and which
 * other ranks differ too,
 * with the exact rule when the baseline's two traced runs are bitwise equal, else against their
 * run-to-run noise.
 */
final class PytorchLocation {
    private PytorchLocation() {}

    /** {@code shownB}, {@code shownT}: the trace files as the console names them. */
    static Diagnosis locate(Trace b, Trace repeat, Trace t, int k, String shownB, String shownT) {
        Map<Integer, OpTrace> rb = OpTrace.ranks(b), rt = OpTrace.ranks(t), r2 = OpTrace.ranks(repeat);
        if (rb.isEmpty() || rt.isEmpty()) return Diagnosis.unavailable("a side's PyTorch trace holds no rank");
        if (!rb.keySet().equals(rt.keySet())) {
            return Diagnosis.unavailable("the sides traced other ranks (baseline " + rb.keySet() + ", test " + rt.keySet() + ")");
        }
        for (var side : List.of(Map.entry("baseline", rb), Map.entry("test", rt))) {
            for (OpTrace r : side.getValue().values()) {
                if (!r.complete()) {
                    return Diagnosis.unavailable("the " + side.getKey() + " trace of rank " + r.rank() + " has no end event (the traced run"
                            + " stopped before step " + k + " ended); " + (side.getKey().equals("baseline") ? shownB : shownT));
                }
            }
        }
        Diagnosis first = null;
        List<Diagnosis> located = new java.util.ArrayList<>();
        List<Integer> ranks = new java.util.ArrayList<>();
        for (int rank : rb.keySet()) {
            OpTrace again = r2.get(rank);
            Diagnosis d = again == null || !again.complete() || RunToRunNoise.bitwise(rb.get(rank), again)
                    ? OpLocator.locate(rb.get(rank), rt.get(rank), k) : OpLocator.locate(rb.get(rank), again, rt.get(rank), k);
            if (rb.size() > 1 && d.where() != null) {
                d = new Diagnosis(d.status(), d.stage(), d.step(), "rank " + rank + ": " + d.where(), d.reason(), d.tracedSteps(),
                        d.modules(), d.masks());
            }
            if (d.located()) {
                ranks.add(rank);
                located.add(d);
            }
            if (first == null) first = d;
        }
        if (located.isEmpty()) return first;
        // The first rank that differs of itself (else the first): a rank whose difference arrived through a collective follows another.
        int origin = 0;
        while (origin < located.size() && located.get(origin).where().contains(OpLocator.FROM_OTHER_RANKS)) origin++;
        if (origin == located.size()) origin = 0;
        Diagnosis named = located.get(origin);
        List<String> alsoDiffer = new java.util.ArrayList<>();
        for (int i = 0; i < located.size(); i++) {
            if (i == origin) continue;
            alsoDiffer.add(ranks.get(i) + (located.get(i).where().contains(OpLocator.FROM_OTHER_RANKS) ? " (from a collective)" : ""));
        }
        if (alsoDiffer.isEmpty()) return named;
        return new Diagnosis(named.status(), named.stage(), named.step(), named.where() + " (rank" + (alsoDiffer.size() == 1 ? " " : "s ")
                + String.join(", ", alsoDiffer) + " differ" + (alsoDiffer.size() == 1 ? "s" : "") + " too)", named.reason(),
                named.tracedSteps(), named.modules(), named.masks());
    }
}
