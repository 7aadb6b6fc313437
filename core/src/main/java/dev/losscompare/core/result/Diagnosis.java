package dev.losscompare.core.result;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;
import java.util.List;

/**
 * Where two trained runs of a case part, found by re-running both sides with the trainer's trace
 * (docs/architecture.md, "Diagnosis"). {@code status}: {@link #LOCATED} (the first point of
 * divergence in execution order: {@code stage}, {@code step}, {@code where}),
 * {@link #NO_DIFFERENCE} (the traced steps agree event by event; {@code where} says so) or
 * {@link #UNAVAILABLE} (no location; {@code reason} says why). {@code modules} is the aligned
 * list of module outputs at {@code step}, {@code masks} the attention masks there. Renderers show
 * exactly this; nothing here is recomputed by them.
 */
public record Diagnosis(
        Status status,
        Stage stage,
        Integer step,
        String where,
        String reason,
        Integer tracedSteps,
        List<ModuleDiff> modules,
        List<MaskDiff> masks) {
    /** What the diagnosis found; comparison.json carries {@link #json()}. */
    public enum Status {
        LOCATED("located"), NO_DIFFERENCE("no_difference"), UNAVAILABLE("unavailable");

        private final String json;

        Status(String json) {
            this.json = json;
        }

        @JsonValue
        public String json() {
            return json;
        }

        @JsonCreator
        public static Status of(String json) {
            for (Status s : values()) if (s.json.equals(json)) return s;
            throw new IllegalArgumentException("unknown diagnosis status '" + json + "'");
        }
    }

    /** Where in a step's execution the first difference lies, in execution order; comparison.json carries {@link #json()}. */
    public enum Stage {
        STRUCTURE("structure"), INITIAL_WEIGHTS("initial_weights"), INPUTS("inputs"), MASK("mask"), FORWARD("forward"),
        LOSS("loss"), BACKWARD("backward"), OPTIMIZER("optimizer"),
        /** An op outside the model's forward, the backward pass and the optimizer step (PyTorch traces only). */
        OTHER("other");

        private final String json;

        Stage(String json) {
            this.json = json;
        }

        @JsonValue
        public String json() {
            return json;
        }

        @JsonCreator
        public static Stage of(String json) {
            for (Stage s : values()) if (s.json.equals(json)) return s;
            throw new IllegalArgumentException("unknown diagnosis stage '" + json + "'");
        }
    }

    public Diagnosis {
        modules = modules == null ? List.of() : List.copyOf(modules);
        masks = masks == null ? List.of() : List.copyOf(masks);
    }

    /**
     * One module output at the divergent step, aligned by name and order. {@code relNormDiff} is
     * |‖test‖ − ‖baseline‖| / ‖baseline‖ (what the trace's L2 norms allow; 0 when the digests are
     * equal); {@code onlyIn} names the side a module exists on when it is missing from the other
     * ({@code renamedFrom}: the baseline's name of a module the test calls otherwise);
     * {@code first}: the first divergence.
     */
    public record ModuleDiff(String name, boolean identical, Double baselineNorm, Double testNorm, Double baselineMaxAbs,
                             Double testMaxAbs, Double relNormDiff, String onlyIn, String renamedFrom, boolean first) {}

    /**
     * One attention mask at the divergent step: its shape's entry count, the true entries per side
     * (bool masks carry no norm), whether the digests agree, and the first module that used it.
     */
    public record MaskDiff(String kind, List<Long> shape, Long entries, Long baselineTrueCount, Long testTrueCount,
                           boolean identical, String onlyIn, String firstUsedBy) {}

    public static Diagnosis unavailable(String reason) {
        return new Diagnosis(Status.UNAVAILABLE, null, null, null, reason, null, List.of(), List.of());
    }

    public boolean located() {
        return status == Status.LOCATED;
    }

    /** What the verdict line ends with: "; where: …", or nothing when there is no location. */
    public String verdictSuffix() {
        return where == null ? "" : "; where: " + where;
    }

    /** The one line printed after the verdict when there is no location, else null. */
    public String explanation(String caseLabel) {
        return status == Status.UNAVAILABLE ? "no location for " + caseLabel + ": " + reason : null;
    }
}
