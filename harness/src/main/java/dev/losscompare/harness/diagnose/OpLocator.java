package dev.losscompare.harness.diagnose;

import com.fasterxml.jackson.databind.JsonNode;
import dev.losscompare.core.judge.Numbers;
import dev.losscompare.core.result.Diagnosis;
import dev.losscompare.core.result.Diagnosis.ModuleDiff;
import dev.losscompare.core.result.Diagnosis.Stage;
import dev.losscompare.harness.diagnose.OpAlignment.Pair;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Set;

/**
 * Names where two PyTorch traces of the same steps part (docs/pytorch-trace.md). Per step, in
 * execution order: the parameters and optimizer state at the step's start, the batch the model
 * received, then the ops, aligned ({@link OpAlignment}). The origin is the first op whose output
 * differs while its inputs are identical (a constant argument may differ: that is the change);
 * an op whose differing input comes from an op only one side has is named through that op; ops
 * whose inputs differ only by data from outside PyTorch are the data pipeline, found at the batch.
 */
final class OpLocator {
    private static final int NAMES_SHOWN = 5;
    private static final int CONTEXT = 5;
    /** The source the tracer gives an output of a torch.compile region whose inside it did not see. */
    private static final String COMPILED = "compiled:";
    /** Said of an input a collective (c10d::allreduce_, ...) brought: this rank differs because another did. */
    static final String FROM_OTHER_RANKS = "what the other ranks sent";

    private final OpTrace b, t;
    private final int tracedSteps;
    private final RunToRunNoise noise;
    private final List<String> untraced = new ArrayList<>();
    private int oneSided;
    /** Ops drawn from generators that differ run to run (noise mode): not judged. */
    private int sources;
    /** The largest run-to-run difference so far (noise mode), carried across steps: a step's start state comes from the last. */
    private double envelope;

    private OpLocator(OpTrace b, OpTrace t, int tracedSteps, RunToRunNoise noise) {
        this.b = b;
        this.t = t;
        this.tracedSteps = tracedSteps;
        this.noise = noise;
    }

    /** The exact rule: equal means bitwise equal. */
    static Diagnosis locate(OpTrace baseline, OpTrace test, int tracedSteps) {
        return new OpLocator(baseline, test, tracedSteps, null).walk();
    }

    /**
     * With a baseline that is not bitwise run to run ({@code repeat}: its second traced run, which
     * differs from the first): an op differs when it is beyond its run-to-run noise ({@link RunToRunNoise}).
     */
    static Diagnosis locate(OpTrace baseline, OpTrace repeat, OpTrace test, int tracedSteps) {
        return new OpLocator(baseline, test, tracedSteps, new RunToRunNoise(baseline, repeat)).walk();
    }

    private Diagnosis walk() {
        for (int s = 1; s <= tracedSteps; s++) {
            Diagnosis d = step(s);
            if (d != null) return d;
        }
        return new Diagnosis(Diagnosis.Status.NO_DIFFERENCE, null, null, "no difference in the traced steps 1-" + tracedSteps
                + (noise == null ? ": every traced op is bitwise identical" : ": every traced op is within its run-to-run noise"
                + noiseNote()) + (oneSided == 0 ? "" : " (" + oneSided + " op" + (oneSided == 1 ? "" : "s")
                + " only one side has, moving no number)") + untracedNote() + compiledNote(), null, tracedSteps, List.of(), List.of());
    }

    private Diagnosis step(int s) {
        Diagnosis state = state(s);
        if (state != null) return state;
        List<String> inputs = differing(Alignment.align(b.at("input", s), t.at("input", s)));
        if (!inputs.isEmpty()) {
            return located(Stage.INPUTS, s, "inputs differ at step " + s + ": " + String.join(", ", inputs)
                    + " (the batch the model received; the data pipeline, not the model)", List.of());
        }
        return ops(s);
    }

    /** Parameters and optimizer state at the step's start: at step 1 the initialization, later what the last step left. */
    private Diagnosis state(int s) {
        // Without bitwise runs, a later step's start state is what the last step's ops (already judged within noise) made.
        if (noise != null && s > 1) return null;
        for (String kind : List.of("param", "optimizer")) {
            List<Alignment.Pair> pairs = Alignment.align(b.state(kind, s), t.state(kind, s));
            List<String> only = new ArrayList<>();
            for (Alignment.Pair p : pairs) if (p.onlyIn() != null) only.add(p.name() + " only in " + p.onlyIn());
            String what = kind.equals("param") ? "parameter" : "optimizer state";
            if (!only.isEmpty()) {
                return located(Stage.STRUCTURE, s, what + "s differ at the start of step " + s + ": " + names(only), List.of());
            }
            List<String> differ = differing(pairs);
            if (noise != null) {
                double env = noise.state(s, kind);
                envelope = Math.max(envelope, env);
                differ = pairs.stream().filter(p -> !p.identical()
                        && (env == 0 || RunToRunNoise.summaryRel(p.baseline().line(), p.test().line()) > RunToRunNoise.MARGIN * env))
                        .map(Alignment.Pair::name).toList();
            }
            if (differ.isEmpty()) continue;
            String count = differ.size() + " tensor" + (differ.size() == 1 ? "" : "s") + " (" + names(differ) + ")";
            if (s == 1 && kind.equals("param")) return located(Stage.INITIAL_WEIGHTS, s, "initial weights differ: " + count, List.of());
            return located(Stage.OPTIMIZER, s, what + " differs at the start of step " + s + ": " + count
                    + (s == 1 ? "" : "; the optimizer step of step " + (s - 1) + " moved it"), List.of());
        }
        return null;
    }

    private Diagnosis ops(int s) {
        List<TraceEvent> ob = b.at("op", s), ot = t.at("op", s);
        List<Pair> pairs = OpAlignment.align(ob.stream().map(OpTrace::key).toList(), ot.stream().map(OpTrace::key).toList());
        Set<Integer> onlyB = new HashSet<>(), onlyT = new HashSet<>();
        Set<String> taintedB = new HashSet<>(), taintedT = new HashSet<>();
        List<String> onlyBefore = new ArrayList<>();
        int identical = 0;
        for (int i = 0; i < pairs.size(); i++) {
            Pair p = pairs.get(i);
            if (p.onlyIn() != null) {
                TraceEvent op = p.baseline() >= 0 ? ob.get(p.baseline()) : ot.get(p.test());
                (p.baseline() >= 0 ? onlyB : onlyT).add(op.line().path("index").asInt());
                oneSided++;
                onlyBefore.add(op.text("op") + " only in " + p.onlyIn() + at(op));
                continue;
            }
            TraceEvent x = ob.get(p.baseline()), y = ot.get(p.test());
            if (!comparable(x) || !comparable(y)) {
                untraced.add(y.text("op") + at(y) + ": " + error(comparable(x) ? y : x));
                continue;
            }
            double own = noise == null ? 0 : noise.op(s, x);
            double measured = Double.isNaN(own) ? envelope : Math.max(envelope, own);
            // Once the runs differ, no op's noise is below its rounding (a single pair may show less, or none).
            double opNoise = measured > 0 ? Math.max(measured, RunToRunNoise.rounding(x)) : 0;
            boolean source = noise != null && noise.source(s, x);
            if (source && own > 0) {
                // Drawn per run: the perturbation itself, neither a location nor a measure of precision.
                sources++;
                identical++;
                continue;
            }
            if (noise != null && !Double.isNaN(own)) envelope = Math.max(envelope, own);
            if (sameOutputs(x, y)) {
                identical++;
                continue;
            }
            double rel = RunToRunNoise.rel(x, y);
            if (opNoise > 0 && rel <= RunToRunNoise.MARGIN * opNoise) {
                identical++;
                continue;
            }
            List<String[]> differ = differingInputs(x, y);
            String origin;
            TraceEvent named = y;
            TraceEvent inserted = differ.isEmpty() ? null : oneSided(differ.get(0), s, ob, ot, onlyB, onlyT);
            if (opNoise > 0) {
                origin = "output beyond its run-to-run noise (" + magnitude(x, y) + "; " + Numbers.sci(rel / opNoise) + "× "
                        + (opNoise > measured ? "one unit in the last place of its "
                        + x.line().path("outputs").path(0).path("dtype").asText() + " output, more than the baseline's largest run-to-run"
                        + " difference so far, "
                        : "the baseline's largest run-to-run difference so far, ") + Numbers.sci(opNoise) + ")";
            } else if (differ.isEmpty()) {
                origin = "inputs identical" + arguments(x, y) + ", output differs (" + magnitude(x, y) + ")";
            } else if (inserted != null) {
                named = inserted;
                origin = "only in " + (ot.contains(inserted) ? "test" : "baseline") + "; its output feeds " + y.text("op") + at(y)
                        + ", whose output differs (" + magnitude(x, y) + ")";
            } else if (fromOutside(differ, taintedB, taintedT)) {
                // Data from outside PyTorch (or computed from it) differs: the batch check of the step that uses it names it.
                taintedB.add(label(s, x));
                taintedT.add(label(s, y));
                continue;
            } else {
                origin = "input " + differ.get(0)[2] + " differs (from " + source(differ.get(0)[1], s, ot) + ")" + arguments(x, y)
                        + ", output differs (" + magnitude(x, y) + ")";
            }
            if (noise != null && opNoise == 0) {
                origin += ", beyond its run-to-run noise (none: the baseline's two runs agree bitwise up to it)";
            }
            List<ModuleDiff> rows = new ArrayList<>(context(ob, ot, pairs, i));
            rows.addAll(modules(ob, ot, pairs));
            return located(stage(named.text("phase")), s, where(s, named, origin, identical, onlyBefore), rows);
        }
        return null;
    }

    /** The location line: where the origin op is, what differs, and what came before it in the step. */
    private String where(int s, TraceEvent named, String origin, int identical, List<String> onlyBefore) {
        String phase = named.text("phase");
        String module = named.text("module");
        String tail = "; the " + identical + " op" + (identical == 1 ? "" : "s") + " of step " + s + " before it identical"
                + (noise == null ? "" : " or within their run-to-run noise")
                + (onlyBefore.isEmpty() ? "" : ", " + onlyBefore.size() + " op" + (onlyBefore.size() == 1 ? "" : "s")
                + " only one side has (" + names(onlyBefore) + ")") + untracedNote() + noiseNote();
        if (phase.equals("optimizer")) {
            return "optimizer step " + s + ": gradients " + (noise == null ? "identical" : "within their run-to-run noise")
                    + ", parameters differ: " + named.text("op") + at(named) + ": " + origin + tail;
        }
        return phase + (module == null ? "" : ", " + (module.isEmpty() ? "the model" : module)) + ": " + named.text("op") + at(named)
                + ": " + origin + tail;
    }

    /** The aligned ops around the origin, for the report (as rows of the module table: the op, its module and line). */
    private static List<ModuleDiff> context(List<TraceEvent> ob, List<TraceEvent> ot, List<Pair> pairs, int origin) {
        List<ModuleDiff> out = new ArrayList<>();
        for (int i = Math.max(0, origin - CONTEXT); i <= Math.min(pairs.size() - 1, origin + CONTEXT); i++) {
            Pair p = pairs.get(i);
            TraceEvent x = p.baseline() >= 0 ? ob.get(p.baseline()) : null, y = p.test() >= 0 ? ot.get(p.test()) : null;
            TraceEvent any = y != null ? y : x;
            String name = "#" + any.line().path("index").asInt() + " " + any.text("phase") + " " + Objects.toString(any.text("module"), "-")
                    + ": " + any.text("op") + at(any);
            Double nb = x == null ? null : norm(x), nt = y == null ? null : norm(y);
            boolean same = x != null && y != null && comparable(x) && comparable(y) && sameOutputs(x, y);
            out.add(new ModuleDiff(name, same, nb, nt, x == null ? null : maxAbs(x), y == null ? null : maxAbs(y),
                    same ? Double.valueOf(0) : rel(nb, nt), p.onlyIn(), null, i == origin));
        }
        return out;
    }

    /**
     * The per-module picture of the step's forward pass, after the ops: each module (in the order it
     * first ran) with the last op it ran itself, both sides' outputs compared.
     */
    private static List<ModuleDiff> modules(List<TraceEvent> ob, List<TraceEvent> ot, List<Pair> pairs) {
        java.util.LinkedHashMap<String, Pair> last = new java.util.LinkedHashMap<>();
        for (Pair p : pairs) {
            if (p.onlyIn() != null) continue;
            TraceEvent y = ot.get(p.test());
            if ("forward".equals(y.text("phase")) && y.text("module") != null) last.put(y.text("module"), p);
        }
        List<ModuleDiff> out = new ArrayList<>();
        last.forEach((module, p) -> {
            TraceEvent x = ob.get(p.baseline()), y = ot.get(p.test());
            boolean same = comparable(x) && comparable(y) && sameOutputs(x, y);
            Double nb = norm(x), nt = norm(y);
            out.add(new ModuleDiff("module " + (module.isEmpty() ? "(the model)" : module) + " (its last op: " + y.text("op") + ")", same,
                    nb, nt, maxAbs(x), maxAbs(y), same ? Double.valueOf(0) : rel(nb, nt), null, null, false));
        });
        return out;
    }

    private static Stage stage(String phase) {
        return switch (phase) {
            case "forward" -> Stage.FORWARD;
            case "backward" -> Stage.BACKWARD;
            case "optimizer" -> Stage.OPTIMIZER;
            default -> Stage.OTHER;
        };
    }

    /** " at model.py:36 (att = ...)", or nothing when no frame outside torch was found. */
    private static String at(TraceEvent op) {
        String frame = op.text("frame");
        if (frame == null) return "";
        String code = op.text("code");
        return " at " + frame + (code == null || code.isEmpty() ? "" : " (" + code + ")");
    }

    /** Every output has a digest (or is uninitialized memory or a collective's, compared by shape and dtype). */
    private static boolean comparable(TraceEvent op) {
        for (JsonNode o : op.line().path("outputs")) {
            boolean unread = o.path("uninitialized").asBoolean(false) || o.path("collective").asBoolean(false);
            if (!unread && !o.path("digest").isTextual()) return false;
        }
        return true;
    }

    private static String error(TraceEvent op) {
        for (JsonNode o : op.line().path("outputs")) if (o.has("error")) return "not traced (" + o.get("error").asText() + ")";
        return "not traced";
    }

    private static boolean sameOutputs(TraceEvent x, TraceEvent y) {
        return x.line().path("outputs").equals(y.line().path("outputs"));
    }

    /** The inputs whose digest, shape or dtype differ: {baseline source, test source, argument}. */
    private static List<String[]> differingInputs(TraceEvent x, TraceEvent y) {
        List<String[]> out = new ArrayList<>();
        Iterator<JsonNode> bi = x.line().path("inputs").elements(), ti = y.line().path("inputs").elements();
        while (bi.hasNext() || ti.hasNext()) {
            JsonNode u = bi.hasNext() ? bi.next() : null, v = ti.hasNext() ? ti.next() : null;
            if (u == null || v == null) {
                out.add(new String[] {u == null ? "-" : u.path("from").asText(), v == null ? "-" : v.path("from").asText(),
                        (u == null ? v : u).path("arg").asText()});
            } else if (!u.path("digest").equals(v.path("digest")) || !u.path("shape").equals(v.path("shape"))
                    || !u.path("dtype").equals(v.path("dtype"))) {
                out.add(new String[] {u.path("from").asText(), v.path("from").asText(), v.path("arg").asText()});
            }
        }
        return out;
    }

    /** "; argument eps 1e-05 vs 1e-06" for the constant arguments that differ, or nothing. */
    private static String arguments(TraceEvent x, TraceEvent y) {
        JsonNode u = x.line().path("args"), v = y.line().path("args");
        List<String> parts = new ArrayList<>();
        Set<String> names = new java.util.LinkedHashSet<>();
        u.fieldNames().forEachRemaining(names::add);
        v.fieldNames().forEachRemaining(names::add);
        for (String n : names) {
            if (!Objects.equals(u.get(n), v.get(n))) parts.add(n + " " + constant(u.get(n)) + " vs " + constant(v.get(n)));
        }
        return parts.isEmpty() ? "" : ", argument" + (parts.size() == 1 ? " " : "s ") + String.join(", ", parts);
    }

    /** A constant argument as Python writes it (1e-05, 0.25, "tanh"); absent: "-". */
    private static String constant(JsonNode v) {
        if (v == null) return "-";
        if (!v.isFloatingPointNumber()) return v.toString();
        double d = v.asDouble();
        if (d == 0 || !Double.isFinite(d) || (Math.abs(d) >= 1e-4 && Math.abs(d) < 1e16)) {
            return Double.isFinite(d) ? new java.math.BigDecimal(Double.toString(d)).toPlainString() : Double.toString(d);
        }
        String[] parts = Double.toString(d).split("E");
        String mantissa = parts[0].endsWith(".0") ? parts[0].substring(0, parts[0].length() - 2) : parts[0];
        int exp = Integer.parseInt(parts[1]);
        return mantissa + "e" + (exp < 0 ? "-" : "+") + String.format(Locale.ROOT, "%02d", Math.abs(exp));
    }

    /** "rel 3.1e-2 (L2 norm 1.2 vs 1.3)" of the first output that differs. */
    private static String magnitude(TraceEvent x, TraceEvent y) {
        JsonNode u = x.line().path("outputs"), v = y.line().path("outputs");
        for (int k = 0; k < Math.min(u.size(), v.size()); k++) {
            if (u.get(k).equals(v.get(k))) continue;
            if (!u.get(k).path("shape").equals(v.get(k).path("shape"))) return "shape " + u.get(k).path("shape") + " vs " + v.get(k).path("shape");
            if (!u.get(k).has("norm") || !v.get(k).has("norm")) return "digest differs";
            double nb = u.get(k).path("norm").asDouble(), nt = v.get(k).path("norm").asDouble();
            Double rel = rel(nb, nt);
            return (rel == null ? "" : "rel " + Numbers.sci(rel) + ", ") + "L2 norm " + g(nb) + " vs " + g(nt);
        }
        return "output count " + u.size() + " vs " + v.size();
    }

    /** The op only one side has that produced a differing input, or null. */
    private static TraceEvent oneSided(String[] input, int s, List<TraceEvent> ob, List<TraceEvent> ot, Set<Integer> onlyB,
                                       Set<Integer> onlyT) {
        Integer t = opIndex(input[1], s), b = opIndex(input[0], s);
        if (t != null && onlyT.contains(t)) return ot.stream().filter(e -> e.line().path("index").asInt() == t).findFirst().orElse(null);
        if (b != null && onlyB.contains(b)) return ob.stream().filter(e -> e.line().path("index").asInt() == b).findFirst().orElse(null);
        return null;
    }

    /** Where a differing input came from, said for a reader: a torch.compile region, a collective, or the tracer's label. */
    private static String source(String from, int s, List<TraceEvent> ops) {
        if (from.startsWith(COMPILED)) return "the torch.compile region " + from.substring(COMPILED.length()) + ", whose inside was not traced";
        Integer index = opIndex(from, s);
        TraceEvent producer = index == null ? null
                : ops.stream().filter(e -> e.line().path("index").asInt() == index).findFirst().orElse(null);
        if (producer != null && producer.text("op").startsWith("c10d::")) return producer.text("op") + at(producer) + ": " + FROM_OTHER_RANKS;
        return from;
    }

    /** Every differing input comes from outside PyTorch, or from an op computed from such data. */
    private static boolean fromOutside(List<String[]> differ, Set<String> taintedB, Set<String> taintedT) {
        for (String[] d : differ) {
            if (!(d[0].equals("external") || taintedB.contains(d[0])) || !(d[1].equals("external") || taintedT.contains(d[1]))) return false;
        }
        return true;
    }

    private static String label(int s, TraceEvent op) {
        return "op:" + s + ":" + op.line().path("index").asInt();
    }

    /** "op:3:12" at this step -> 12. */
    private static Integer opIndex(String from, int s) {
        String prefix = "op:" + s + ":";
        return from.startsWith(prefix) ? Integer.valueOf(from.substring(prefix.length())) : null;
    }

    private List<String> differing(List<Alignment.Pair> pairs) {
        List<String> out = new ArrayList<>();
        for (Alignment.Pair p : pairs) if (!p.identical()) out.add(p.name());
        return out;
    }

    private Diagnosis located(Stage stage, int step, String where, List<ModuleDiff> ops) {
        return new Diagnosis(Diagnosis.Status.LOCATED, stage, step, where + compiledNote(), null, tracedSteps, ops, List.of());
    }

    /**
     * What torch.compile hid, from both sides' "compiled" events: regions whose ops were traced ran eagerly under the
     * tracer (eager PyTorch's numbers, not the compiled code's); a region with no op traced ran compiled, unseen.
     */
    private String compiledNote() {
        java.util.Map<String, Boolean> traced = new java.util.LinkedHashMap<>();
        for (OpTrace side : List.of(b, t)) {
            for (TraceEvent e : side.events()) {
                if (!e.event().equals("compiled") || e.step() > tracedSteps) continue;
                String region = e.text("name") + (e.text("frame") == null ? "" : " (" + e.text("frame") + ")");
                traced.merge(region, e.line().path("ops").asInt(0) > 0, Boolean::logicalAnd);
            }
        }
        if (traced.isEmpty()) return "";
        List<String> eager = new ArrayList<>(), unseen = new ArrayList<>();
        traced.forEach((region, seen) -> (seen ? eager : unseen).add(region));
        List<String> parts = new ArrayList<>();
        if (!eager.isEmpty()) {
            parts.add(names(eager) + " ran eagerly under the tracer (dynamo compiles nothing while it traces): eager PyTorch's numbers,"
                    + " not the compiled code's");
        }
        if (!unseen.isEmpty()) parts.add(names(unseen) + " ran compiled: " + (unseen.size() == 1 ? "its" : "their") + " inside not traced");
        return " [torch.compile: " + String.join("; ", parts) + "]";
    }

    /** What a non-bitwise baseline changes in the rule, said on the line. */
    private String noiseNote() {
        return noise == null ? "" : " [the baseline's two traced runs differ: ops judged against their run-to-run noise, margin "
                + (int) RunToRunNoise.MARGIN + "×" + (sources == 0 ? "" : "; " + sources + " op" + (sources == 1 ? "" : "s")
                + " computed from generators alone that differ run to run, the noise itself, not judged") + "]";
    }

    private String untracedNote() {
        return untraced.isEmpty() ? "" : " (" + untraced.size() + " op" + (untraced.size() == 1 ? "" : "s") + " could not be compared: "
                + names(untraced) + ")";
    }

    private static Double norm(TraceEvent op) {
        JsonNode o = op.line().path("outputs").path(0);
        return o.has("norm") && o.get("norm").isNumber() ? o.get("norm").asDouble() : null;
    }

    private static Double maxAbs(TraceEvent op) {
        JsonNode o = op.line().path("outputs").path(0);
        return o.has("max_abs") && o.get("max_abs").isNumber() ? o.get("max_abs").asDouble() : null;
    }

    private static Double rel(Double b, Double t) {
        if (b == null || t == null) return null;
        if (b.equals(t)) return 0.0;
        return b == 0 ? null : Math.abs(t - b) / Math.abs(b);
    }

    private static String names(List<String> names) {
        if (names.size() <= NAMES_SHOWN) return String.join(", ", names);
        return String.join(", ", names.subList(0, NAMES_SHOWN)) + ", … " + (names.size() - NAMES_SHOWN) + " more";
    }

    private static String g(double v) {
        if (!Double.isFinite(v)) return String.valueOf(v);
        return String.format(Locale.ROOT, "%.6g", v).replaceAll("(\\.\\d*?)0+(e|$)", "$1$2").replace(".e", "e").replaceAll("\\.$", "");
    }
}
