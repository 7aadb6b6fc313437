package dev.losscompare.harness.diagnose;

import dev.losscompare.core.result.Diagnosis.Stage;
import dev.losscompare.core.result.Diagnosis;
import dev.losscompare.core.result.Diagnosis.MaskDiff;
import dev.losscompare.core.result.Diagnosis.ModuleDiff;
import dev.losscompare.core.judge.Numbers;
import dev.losscompare.harness.diagnose.Alignment.Pair;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Set;

/**
 * Walks two traces of the same steps in execution order — initial parameters, then per step the
 * inputs, attention masks, module outputs, loss, gradients, optimizer step and parameters — and
 * names the first point where they part. Magnitudes come from the tensor summaries alone: the
 * L2 norms and max |x| of each side (an element-wise difference is not in a trace).
 * Just over 250 lines on purpose: one method per trace stage, in the order the trainer emits
 * them, reads as the walk itself; module alignment ({@link Alignment}) lives apart.
 */
final class DivergenceLocator {
    private static final int NAMES_SHOWN = 5;

    private final Trace b, t;
    private final int tracedSteps;
    private final List<String> renames = new ArrayList<>();

    private DivergenceLocator(Trace b, Trace t, int tracedSteps) {
        this.b = b;
        this.t = t;
        this.tracedSteps = tracedSteps;
    }

    static Diagnosis locate(Trace baseline, Trace test, int tracedSteps) {
        return new DivergenceLocator(baseline, test, tracedSteps).walk();
    }

    private Diagnosis walk() {
        List<Pair> init = Alignment.align(b.at("init_param", 0), t.at("init_param", 0));
        String structure = structure(init, "parameter");
        if (structure != null) return located(Stage.STRUCTURE, 0, structure + " (initial parameters)", 1, -1);
        List<String> differ = differing(init);
        if (!differ.isEmpty()) {
            return located(Stage.INITIAL_WEIGHTS, 0, "initial weights differ: " + differ.size() + " tensor" + (differ.size() == 1 ? "" : "s")
                    + " (" + names(differ) + ")", 1, -1);
        }
        for (int s = 1; s <= tracedSteps; s++) {
            Diagnosis d = step(s);
            if (d != null) return d;
        }
        return new Diagnosis(Diagnosis.Status.NO_DIFFERENCE, null, null, "no difference in the traced steps 1-" + tracedSteps
                + ": every traced event is bitwise identical" + renamesNote(), null, tracedSteps, modules(1, -1), masks(1));
    }

    private Diagnosis step(int s) {
        List<Pair> inputs = Alignment.align(b.at("input", s), t.at("input", s));
        List<String> differ = differing(inputs);
        if (!differ.isEmpty()) {
            return located(Stage.INPUTS, s, "inputs differ at step " + s + ": " + String.join(", ", differ)
                    + " (the data pipeline, not the model)", s, -1);
        }
        for (MaskDiff m : masks(s)) {
            if (!m.identical()) return located(Stage.MASK, s, maskText(m, s), s, -1);
        }
        List<Pair> modules = Alignment.align(b.at("module", s), t.at("module", s));
        for (int i = 0; i < modules.size(); i++) {
            Pair p = modules.get(i);
            String what = forward(p, s);
            if (what != null) return located(Stage.FORWARD, s, what, s, i);
        }
        TraceEvent lb = first(b.at("loss", s)), lt = first(t.at("loss", s));
        if (!Objects.equals(lb == null ? null : lb.line(), lt == null ? null : lt.line())) {
            return located(Stage.LOSS, s, "loss differs at step " + s + " (" + num(lb, "loss") + " vs " + num(lt, "loss")
                    + ") though every module output is bitwise identical", s, -1);
        }
        List<Pair> grads = Alignment.align(b.at("grad", s), t.at("grad", s));
        String gradStructure = structure(grads, "gradient of");
        if (gradStructure != null) return located(Stage.STRUCTURE, s, "backward: " + gradStructure + " at step " + s, s, -1);
        for (Pair p : grads) {
            if (!p.identical()) {
                return located(Stage.BACKWARD, s, "backward: first differing gradient " + p.name() + " at step " + s + " ("
                        + magnitudes(p) + "); the forward pass and loss are bitwise identical", s, -1);
            }
        }
        TraceEvent ob = first(b.at("optimizer_step", s)), ot = first(t.at("optimizer_step", s));
        List<Pair> params = Alignment.align(b.at("param", s), t.at("param", s));
        List<String> paramsDiffer = differing(params);
        boolean stepDiffers = !Objects.equals(ob == null ? null : ob.line(), ot == null ? null : ot.line());
        if (!paramsDiffer.isEmpty() || stepDiffers) {
            boolean sameLr = ob != null && ot != null && Objects.equals(ob.line().get("lr"), ot.line().get("lr"));
            String lr = sameLr ? "lr " + num(ob, "lr") + " on both sides"
                    : "lr baseline " + num(ob, "lr") + " vs test " + num(ot, "lr");
            String what = paramsDiffer.isEmpty()
                    ? "optimizer: gradients identical, the optimizer step differs at step " + s + " (" + lr + "; grad_norm "
                            + num(ob, "grad_norm") + " vs " + num(ot, "grad_norm") + ")"
                    : "optimizer: gradients identical, parameters differ after step " + s + " (" + lr + "; " + paramsDiffer.size()
                            + " of " + params.size() + " tensors, first " + paramsDiffer.get(0) + ")";
            return located(Stage.OPTIMIZER, s, what, s, -1);
        }
        return null;
    }

    /** The first module whose output differs, or that only one side has, or that moved. */
    private String forward(Pair p, int s) {
        if (p.onlyIn() != null) {
            return "forward: module " + p.name() + " exists only in " + p.onlyIn() + " at step " + s
                    + "; everything before it is bitwise identical" + renamesNote();
        }
        if (p.reordered()) {
            return "forward: module order differs at step " + s + ": baseline runs " + p.baseline().name() + " where test runs "
                    + p.test().name() + "; everything before it is bitwise identical" + renamesNote();
        }
        if (p.identical()) {
            if (p.renamed()) renames.add(p.baseline().name() + " -> " + p.test().name());
            return null;
        }
        String name = p.renamed() ? p.test().name() + " (baseline: " + p.baseline().name() + ")" : p.name();
        return "forward: " + name + " output differs at step " + s + " (" + magnitudes(p) + "); everything before it is bitwise identical"
                + renamesNote();
    }

    /** "L2 norm 12.3 vs 12.4, rel 1.2e-3; max |x| 2.5 vs 2.5", plus shapes or dtypes when those differ. */
    private static String magnitudes(Pair p) {
        TraceEvent x = p.baseline(), y = p.test();
        List<String> parts = new ArrayList<>();
        if (!Objects.equals(x.shape(), y.shape())) parts.add("shape " + x.shape() + " vs " + y.shape());
        if (!Objects.equals(x.text("dtype"), y.text("dtype"))) parts.add("dtype " + x.text("dtype") + " vs " + y.text("dtype"));
        Double nb = x.number("norm"), nt = y.number("norm");
        if (nb == null || nt == null) {
            parts.add(nb == null && nt == null ? "no values on either side" : nb == null ? "no values in baseline" : "no values in test");
        } else {
            Double rel = rel(nb, nt);
            parts.add("L2 norm " + g(nb) + " vs " + g(nt) + (rel == null ? "" : ", rel " + Numbers.sci(rel))
                    + "; max |x| " + g(x.number("max_abs")) + " vs " + g(y.number("max_abs")));
        }
        return String.join("; ", parts);
    }

    private String maskText(MaskDiff m, int s) {
        String head = "attention mask '" + m.kind() + "' ";
        String used = m.firstUsedBy() == null ? "" : " (first used by " + m.firstUsedBy() + ")";
        if (m.onlyIn() != null) return head + "exists only in " + m.onlyIn() + " at step " + s + used;
        TraceEvent x = first(b.at("mask", s).stream().filter(e -> m.kind().equals(e.name())).toList());
        TraceEvent y = first(t.at("mask", s).stream().filter(e -> m.kind().equals(e.name())).toList());
        String text = head + "differs at step " + s + used + ": ";
        if (!Objects.equals(x.shape(), y.shape())) return text + "shape " + x.shape() + " vs " + y.shape();
        Long cb = m.baselineTrueCount(), ct = m.testTrueCount();
        if (cb != null && ct != null && !cb.equals(ct)) {
            return text + "at least " + Math.abs(cb - ct) + " of " + m.entries() + " entries (true: " + cb + " in baseline, " + ct
                    + " in test)";
        }
        return text + "as many true entries on both sides (" + cb + " of " + m.entries() + "), in other places";
    }

    private List<MaskDiff> masks(int s) {
        List<TraceEvent> mb = b.at("mask", s), mt = t.at("mask", s);
        Set<String> kinds = new LinkedHashSet<>();
        mb.forEach(e -> kinds.add(e.name()));
        mt.forEach(e -> kinds.add(e.name()));
        List<MaskDiff> out = new ArrayList<>();
        for (String kind : kinds) {
            TraceEvent x = first(mb.stream().filter(e -> kind.equals(e.name())).toList());
            TraceEvent y = first(mt.stream().filter(e -> kind.equals(e.name())).toList());
            TraceEvent any = y != null ? y : x;
            List<Long> shape = any.shape();
            Long entries = shape == null ? null : shape.stream().reduce(1L, (p, q) -> p * q);
            String onlyIn = x == null ? "test" : y == null ? "baseline" : null;
            out.add(new MaskDiff(kind, shape, entries, x == null ? null : x.integer("true_count"), y == null ? null : y.integer("true_count"),
                    onlyIn == null && x.sameAs(y), onlyIn, firstUser(kind, s)));
        }
        return out;
    }

    /** The first attention output at this step that says it used this mask (test side, else baseline). */
    private String firstUser(String kind, int s) {
        for (Trace side : List.of(t, b)) {
            for (TraceEvent e : side.at("module", s)) if (kind.equals(e.text("mask"))) return e.name();
        }
        return null;
    }

    private Diagnosis located(Stage stage, int step, String where, int moduleStep, int firstModule) {
        return new Diagnosis(Diagnosis.Status.LOCATED, stage, step, where, null, tracedSteps, modules(moduleStep, firstModule), masks(moduleStep));
    }

    /** The aligned module outputs of a step, the first divergence marked. */
    private List<ModuleDiff> modules(int s, int firstIndex) {
        List<Pair> pairs = Alignment.align(b.at("module", s), t.at("module", s));
        List<ModuleDiff> out = new ArrayList<>();
        for (int i = 0; i < pairs.size(); i++) {
            Pair p = pairs.get(i);
            boolean identical = p.identical();
            Double nb = p.baseline() == null ? null : p.baseline().number("norm");
            Double nt = p.test() == null ? null : p.test().number("norm");
            Double rel = identical ? Double.valueOf(0) : nb == null || nt == null ? null : rel(nb, nt);
            out.add(new ModuleDiff(p.name(), identical, nb, nt, p.baseline() == null ? null : p.baseline().number("max_abs"),
                    p.test() == null ? null : p.test().number("max_abs"), rel, p.onlyIn(),
                    p.renamed() ? p.baseline().name() : null, i == firstIndex));
        }
        return out;
    }

    /** A name only one side has, or names in another order: that fact is the divergence. */
    private static String structure(List<Pair> pairs, String what) {
        List<String> onlyBase = new ArrayList<>(), onlyTest = new ArrayList<>();
        for (Pair p : pairs) {
            if (p.reordered()) return what + " order differs: baseline has " + p.baseline().name() + " where test has " + p.test().name();
            if ("baseline".equals(p.onlyIn())) onlyBase.add(p.name());
            if ("test".equals(p.onlyIn())) onlyTest.add(p.name());
        }
        List<String> parts = new ArrayList<>();
        if (!onlyBase.isEmpty()) parts.add(what + " " + names(onlyBase) + " only in baseline");
        if (!onlyTest.isEmpty()) parts.add(what + " " + names(onlyTest) + " only in test");
        return parts.isEmpty() ? null : String.join("; ", parts);
    }

    private List<String> differing(List<Pair> pairs) {
        List<String> out = new ArrayList<>();
        for (Pair p : pairs) {
            if (p.identical()) {
                if (p.renamed()) renames.add(p.baseline().name() + " -> " + p.test().name());
            } else {
                out.add(p.name());
            }
        }
        return out;
    }

    private String renamesNote() {
        return renames.isEmpty() ? "" : " (renamed, values identical: " + names(renames) + ")";
    }

    private static String names(List<String> names) {
        if (names.size() <= NAMES_SHOWN) return String.join(", ", names);
        return String.join(", ", names.subList(0, NAMES_SHOWN)) + ", … " + (names.size() - NAMES_SHOWN) + " more";
    }

    private static Double rel(double b, double t) {
        if (b == t) return 0.0;
        return b == 0 ? null : Math.abs(t - b) / Math.abs(b);
    }

    private static String num(TraceEvent e, String field) {
        return e == null ? "-" : g(e.number(field));
    }

    private static String g(Double v) {
        if (v == null) return "-";
        if (!Double.isFinite(v)) return String.valueOf(v);
        return String.format(Locale.ROOT, "%.6g", v).replaceAll("(\\.\\d*?)0+(e|$)", "$1$2").replace(".e", "e").replaceAll("\\.$", "");
    }

    private static TraceEvent first(List<TraceEvent> events) {
        return events.isEmpty() ? null : events.get(0);
    }
}
