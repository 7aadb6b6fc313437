package dev.losscompare.harness.diagnose;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * How much two traced runs of the same baseline differ, op by op, when they are not bitwise equal
 * (GPU atomics, unordered reductions): the relative difference of each op's output summaries (L2
 * norm and max |x|; 0 when the digests agree). An op of a test trace is beyond the noise when its
 * difference from the baseline exceeds {@link #MARGIN} times the largest run-to-run difference of
 * any op up to it that is not a {@link #source noise source}. A heuristic: where the noise is
 * random, a difference can exceed ten times its pair's by chance, most likely right after the noise
 * enters.
 */
final class RunToRunNoise {
    static final double MARGIN = 10;

    private final OpTrace first, second;
    private final Map<Integer, Map<Integer, TraceEvent>> byStep = new HashMap<>();
    /** The labels ("op:step:index") of the first run's ops computed from generators alone, steps in order. */
    private final Set<String> generated = new HashSet<>();
    private int generatedUpTo;

    RunToRunNoise(OpTrace first, OpTrace second) {
        this.first = first;
        this.second = second;
    }

    /** Whether the two runs are bitwise equal event by event (then the exact rule holds). */
    static boolean bitwise(OpTrace a, OpTrace b) {
        if (a.events().size() != b.events().size()) return false;
        for (int i = 0; i < a.events().size(); i++) if (!a.events().get(i).line().equals(b.events().get(i).line())) return false;
        return true;
    }

    /** The run-to-run difference of the baseline op at {@code index} of step {@code s}; NaN when the second run lacks it. */
    double op(int s, TraceEvent op) {
        Map<Integer, TraceEvent> paired = byStep.computeIfAbsent(s, this::pair);
        TraceEvent other = paired.get(op.line().path("index").asInt());
        return other == null ? Double.NaN : rel(op, other);
    }

    /**
     * Whether the baseline op at step {@code s} is computed from generators alone: it reads no
     * tensor (randn, rand, normal_ into fresh memory; uninitialized inputs are not read) or only
     * what such ops made (a mask drawn from rand, the factor built from it). Where the two runs
     * differ at such an op (a generator seeded per run), its output is the perturbation itself, not
     * a measure of precision: it is not judged and does not widen the noise; the op that applies it
     * to the model's tensors is.
     */
    boolean source(int s, TraceEvent op) {
        for (; generatedUpTo < s; generatedUpTo++) {
            for (TraceEvent e : first.at("op", generatedUpTo + 1)) {
                boolean fromGenerators = true;
                for (JsonNode in : e.line().path("inputs")) {
                    if (!in.path("uninitialized").asBoolean(false) && !generated.contains(in.path("from").asText())) fromGenerators = false;
                }
                if (fromGenerators) generated.add("op:" + e.step() + ":" + e.line().path("index").asInt());
            }
        }
        return generated.contains("op:" + s + ":" + op.line().path("index").asInt());
    }

    /**
     * The least noise an op has once runs differ: a unit in the last place of its output's
     * floating-point type, relative (one pair of runs often moves a summary by less, or by nothing
     * where max |x| stays put); 0 for an integer or bool output.
     */
    static double rounding(TraceEvent op) {
        double ulp = 0;
        for (JsonNode o : op.line().path("outputs")) {
            ulp = Math.max(ulp, switch (o.path("dtype").asText()) {
                case "float64" -> 0x1p-52;
                case "float32", "complex64" -> 0x1p-23;
                case "float16" -> 0x1p-10;
                case "bfloat16" -> 0x1p-7;
                default -> 0;
            });
        }
        return ulp;
    }

    /** The largest run-to-run difference among a step's state tensors of one kind (param, optimizer). */
    double state(int s, String kind) {
        List<Alignment.Pair> pairs = Alignment.align(first.state(kind, s), second.state(kind, s));
        double max = 0;
        for (Alignment.Pair p : pairs) {
            if (p.baseline() != null && p.test() != null) max = Math.max(max, summaryRel(p.baseline().line(), p.test().line()));
        }
        return max;
    }

    private Map<Integer, TraceEvent> pair(int s) {
        List<TraceEvent> a = first.at("op", s), b = second.at("op", s);
        List<OpAlignment.Pair> pairs = OpAlignment.align(a.stream().map(OpTrace::key).toList(), b.stream().map(OpTrace::key).toList());
        Map<Integer, TraceEvent> out = new HashMap<>();
        for (OpAlignment.Pair p : pairs) {
            if (p.onlyIn() == null) out.put(a.get(p.baseline()).line().path("index").asInt(), b.get(p.test()));
        }
        return out;
    }

    /** The largest relative difference of the outputs' L2 norms and max |x| (0 when the outputs are equal). */
    static double rel(TraceEvent x, TraceEvent y) {
        JsonNode u = x.line().path("outputs"), v = y.line().path("outputs");
        if (u.equals(v)) return 0;
        if (u.size() != v.size()) return Double.POSITIVE_INFINITY;
        double max = 0;
        for (int k = 0; k < u.size(); k++) max = Math.max(max, summaryRel(u.get(k), v.get(k)));
        return max;
    }

    static double summaryRel(JsonNode a, JsonNode b) {
        if (a.equals(b)) return 0;
        if (!a.path("shape").equals(b.path("shape"))) return Double.POSITIVE_INFINITY;
        double max = 0;
        for (String f : List.of("norm", "max_abs")) {
            if (!a.path(f).isNumber() || !b.path(f).isNumber()) continue;
            double p = a.path(f).asDouble(), q = b.path(f).asDouble();
            if (p == q) continue;
            max = Math.max(max, p == 0 ? Double.POSITIVE_INFINITY : Math.abs(q - p) / Math.abs(p));
        }
        // Equal summaries but other bytes: a difference below what the summaries show; the smallest positive one.
        return max == 0 ? Double.MIN_VALUE : max;
    }
}
