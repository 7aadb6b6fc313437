package dev.losscompare.harness.diagnose;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * Pairs two sides' named events (modules, gradients, parameters) by name, in order. A name only
 * one side has stays alone; where both sides have a name the other lacks at the same place, the
 * pair is a rename. A name both sides have at different places is an order change.
 */
final class Alignment {
    /** One aligned position: either side may be null (only the other has it); {@code renamed}: the names differ. */
    record Pair(TraceEvent baseline, TraceEvent test, boolean renamed, boolean reordered) {
        String name() {
            return test != null ? test.name() : baseline.name();
        }

        String onlyIn() {
            return baseline == null ? "test" : test == null ? "baseline" : null;
        }

        boolean identical() {
            return baseline != null && test != null && !reordered && summaryEqual(baseline, test);
        }
    }

    private Alignment() {}

    static List<Pair> align(List<TraceEvent> b, List<TraceEvent> t) {
        Set<String> bNames = names(b), tNames = names(t);
        List<Pair> out = new ArrayList<>();
        int i = 0, j = 0;
        while (i < b.size() || j < t.size()) {
            TraceEvent x = i < b.size() ? b.get(i) : null, y = j < t.size() ? t.get(j) : null;
            if (x != null && y != null && x.name().equals(y.name())) {
                out.add(new Pair(x, y, false, false));
                i++;
                j++;
            } else if (x != null && y != null && !tNames.contains(x.name()) && !bNames.contains(y.name())) {
                out.add(new Pair(x, y, true, false));
                i++;
                j++;
            } else if (x != null && !tNames.contains(x.name())) {
                out.add(new Pair(x, null, false, false));
                i++;
            } else if (y != null && !bNames.contains(y.name())) {
                out.add(new Pair(null, y, false, false));
                j++;
            } else if (x != null && y != null) {
                // Both names exist on the other side, elsewhere: the order changed here.
                out.add(new Pair(x, y, false, true));
                i++;
                j++;
            } else {
                out.add(x != null ? new Pair(x, null, false, false) : new Pair(null, y, false, false));
                if (x != null) i++;
                else j++;
            }
        }
        return out;
    }

    /** The same tensor: everything but the name is equal (a rename with identical values is not a numeric divergence). */
    static boolean summaryEqual(TraceEvent a, TraceEvent b) {
        var x = a.line().deepCopy();
        var y = b.line().deepCopy();
        ((com.fasterxml.jackson.databind.node.ObjectNode) x).remove("name");
        ((com.fasterxml.jackson.databind.node.ObjectNode) y).remove("name");
        return x.equals(y);
    }

    private static Set<String> names(List<TraceEvent> events) {
        Set<String> s = new HashSet<>();
        for (TraceEvent e : events) s.add(e.name());
        return s;
    }
}
