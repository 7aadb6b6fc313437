package dev.losscompare.harness.diagnose;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * One rank's PyTorch trace (docs/pytorch-trace.md): the state at each traced step's start, the
 * batch the model received, and the ops in dispatch order. A side's trace file holds its ranks one
 * after the other, each from its own "trace" header.
 */
record OpTrace(int rank, JsonNode header, List<TraceEvent> events, boolean complete) {
    /** The ranks of a side's trace file, by rank. */
    static Map<Integer, OpTrace> ranks(Trace file) {
        Map<Integer, OpTrace> out = new TreeMap<>();
        List<TraceEvent> current = null;
        JsonNode header = null;
        for (TraceEvent e : file.events()) {
            if (e.event().equals("trace")) {
                if (current != null) put(out, header, current);
                header = e.line();
                current = new ArrayList<>();
            } else if (current != null) {
                current.add(e);
            }
        }
        if (current != null) put(out, header, current);
        return out;
    }

    private static void put(Map<Integer, OpTrace> out, JsonNode header, List<TraceEvent> events) {
        boolean complete = !events.isEmpty() && events.get(events.size() - 1).event().equals("end");
        int rank = header.path("rank").asInt(0);
        out.put(rank, new OpTrace(rank, header, List.copyOf(events), complete));
    }

    List<TraceEvent> at(String event, int step) {
        return events.stream().filter(e -> e.event().equals(event) && e.step() == step).toList();
    }

    /** The state events of a kind (param, optimizer) at a step's start. */
    List<TraceEvent> state(String kind, int step) {
        return at("state", step).stream().filter(e -> kind.equals(e.text("kind"))).toList();
    }

    /** The alignment key of an op: its module and its op with overload. */
    static String key(TraceEvent op) {
        return op.text("module") + "|" + op.text("op");
    }
}
