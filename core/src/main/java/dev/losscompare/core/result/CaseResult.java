package dev.losscompare.core.result;

import com.fasterxml.jackson.annotation.JsonInclude;
import dev.losscompare.core.judge.ComparisonMode;
import dev.losscompare.core.perf.PerfVerdict;

import java.util.List;

/**
 * One model case of a comparison (e.g. "llama3_debugmodel"): both runs and the per-metric diffs.
 * {@code inputsDivergeAtStep} is the first step whose data_fingerprint differs (a data-pipeline
 * change, not a model change), or null. {@code error} explains an ERROR verdict. {@code note} is
 * context that does not change the verdict. {@code mode} is how this case was compared and
 * {@code modeReason} why (e.g. "environment differs from the golden's: blas_core SkylakeX -> Haswell");
 * both are null in comparison.json files of schema 1, where the comparison's mode applied to every case.
 * {@code diagnosis} says where two trained runs part (null: not diagnosed; absent from older files).
 * {@code resume} holds the case's resume checks (null, and absent from the file, when none ran);
 * they take part in the verdict ({@link dev.losscompare.core.judge.ResumeJudge#combine}).
 * {@code performance} is the speed and memory verdict beside the numeric one (null: not judged, and
 * then absent from comparison.json, so files without it stay as they were); it never changes
 * {@code verdict}, only {@link #overall()}. {@code trainerRepeats} says whether the trainer was found to
 * repeat itself bitwise (a second run of the baseline, or an envelope of plain repeats that parted;
 * null, and absent from comparison.json, where nothing was found out).
 */
public record CaseResult(
        String name,
        String model,
        String flavor,
        String config,
        Verdict verdict,
        String error,
        Integer inputsDivergeAtStep,
        RunInfo baseline,
        RunInfo test,
        List<MetricResult> metrics,
        String note,
        ComparisonMode mode,
        String modeReason,
        Diagnosis diagnosis,
        @JsonInclude(JsonInclude.Include.NON_NULL) List<ResumeResult> resume,
        @JsonInclude(JsonInclude.Include.NON_NULL) PerfVerdict performance,
        @JsonInclude(JsonInclude.Include.NON_NULL) TrainerRepeats trainerRepeats) {
    public CaseResult {
        metrics = metrics == null ? List.of() : List.copyOf(metrics);
        resume = resume == null ? null : List.copyOf(resume);
    }

    /** The same case with its resume checks, and the verdict they make with the series'. */
    public CaseResult withResume(List<ResumeResult> checks) {
        return toBuilder().verdict(dev.losscompare.core.judge.ResumeJudge.combine(verdict, checks)).resume(checks).build();
    }

    /** The same case with where its runs part. */
    public CaseResult withDiagnosis(Diagnosis d) {
        return toBuilder().diagnosis(d).build();
    }

    /** The same case with what was found out about the trainer repeating itself. */
    public CaseResult withTrainerRepeats(TrainerRepeats r) {
        return toBuilder().trainerRepeats(r).build();
    }

    /** The same case with its performance verdict. */
    public CaseResult withPerformance(PerfVerdict p) {
        return toBuilder().performance(p).build();
    }

    /** The worse of the numeric verdict and the performance verdict: what the exit code follows. */
    public Verdict overall() {
        return performance == null ? verdict : verdict.worst(performance.verdict());
    }

    /** The same case with a note added (context that does not change the verdict). */
    public CaseResult withNote(String text) {
        return toBuilder().note(note == null ? text : note + "; " + text).build();
    }

    /**
     * How far from the baseline in units of the measured noise, for the "× noise" columns: the
     * multiple at the first step outside when a metric is outside, else the largest multiple over
     * the metrics; null when the case was not judged against noise.
     */
    @com.fasterxml.jackson.annotation.JsonIgnore
    public Double noiseMultiple() {
        Double outside = null, widest = null;
        for (MetricResult m : metrics) {
            if (m.noiseMultipleAtDivergence() != null) outside = outside == null ? m.noiseMultipleAtDivergence() : Math.max(outside, m.noiseMultipleAtDivergence());
            if (m.noiseMultiple() != null) widest = widest == null ? m.noiseMultiple() : Math.max(widest, m.noiseMultiple());
        }
        return outside != null ? outside : widest;
    }

    /**
     * What a PASS within noise could have missed ("at step 3 a change below 2.1e-6 in loss would
     * not show", and a warning when close to the margin), or null: the reports show it beside the verdict.
     */
    @com.fasterxml.jackson.annotation.JsonIgnore
    public String undetectableText() {
        return verdict == Verdict.PASS ? dev.losscompare.core.judge.Undetectable.caseText(metrics) : null;
    }

    /** Whether a metric that PASSed within noise came above half its margin (the reports mark the case's caveat as a warning). */
    @com.fasterxml.jackson.annotation.JsonIgnore
    public boolean closeToMargin() {
        return undetectableText() != null && metrics.stream().anyMatch(m -> m.undetectable() != null && m.undetectable().closeToMargin());
    }

    /** "0.4×", "37×", or "-" when the case was not judged against noise. */
    @com.fasterxml.jackson.annotation.JsonIgnore
    public String noiseMultipleText() {
        Double x = noiseMultiple();
        return x == null ? "-" : dev.losscompare.core.judge.Numbers.multiple(x) + "\u00d7";
    }

    /** The mode this case was compared in; for schema-1 records, the comparison's. */
    public ComparisonMode modeOr(ComparisonMode comparisonMode) {
        return mode != null ? mode : comparisonMode != null ? comparisonMode : ComparisonMode.bitwise();
    }

    /** A case with nothing to note. */
    public CaseResult(String name, String model, String flavor, String config, Verdict verdict, String error,
                      Integer inputsDivergeAtStep, RunInfo baseline, RunInfo test, List<MetricResult> metrics) {
        this(name, model, flavor, config, verdict, error, inputsDivergeAtStep, baseline, test, metrics, null, null, null, null, null,
                null, null);
    }

    /** A new case of this name and verdict; every other field is set by name ({@link Builder}). */
    public static Builder builder(String name, String model, String flavor, String config, Verdict verdict) {
        Builder b = new Builder();
        b.name = name;
        b.model = model;
        b.flavor = flavor;
        b.config = config;
        b.verdict = verdict;
        return b;
    }

    /** This case, to change a few fields of. */
    public Builder toBuilder() {
        Builder b = builder(name, model, flavor, config, verdict);
        b.error = error;
        b.inputsDivergeAtStep = inputsDivergeAtStep;
        b.baseline = baseline;
        b.test = test;
        b.metrics = metrics;
        b.note = note;
        b.mode = mode;
        b.modeReason = modeReason;
        b.diagnosis = diagnosis;
        b.resume = resume;
        b.performance = performance;
        b.trainerRepeats = trainerRepeats;
        return b;
    }

    /** A case field by field: the record has seventeen, and a positional call of seventeen values is easy to misorder. */
    public static final class Builder {
        private String name;
        private String model;
        private String flavor;
        private String config;
        private Verdict verdict;
        private String error;
        private Integer inputsDivergeAtStep;
        private RunInfo baseline;
        private RunInfo test;
        private List<MetricResult> metrics = List.of();
        private String note;
        private ComparisonMode mode;
        private String modeReason;
        private Diagnosis diagnosis;
        private List<ResumeResult> resume;
        private PerfVerdict performance;
        private TrainerRepeats trainerRepeats;

        private Builder() {}

        public Builder verdict(Verdict v) {
            this.verdict = v;
            return this;
        }

        public Builder error(String e) {
            this.error = e;
            return this;
        }

        public Builder inputsDivergeAtStep(Integer step) {
            this.inputsDivergeAtStep = step;
            return this;
        }

        /** Both runs' records. */
        public Builder runs(RunInfo baselineRun, RunInfo testRun) {
            this.baseline = baselineRun;
            this.test = testRun;
            return this;
        }

        public Builder metrics(List<MetricResult> m) {
            this.metrics = m;
            return this;
        }

        public Builder note(String n) {
            this.note = n;
            return this;
        }

        /** How the case was compared and why (null reason: as requested). */
        public Builder mode(ComparisonMode m, String reason) {
            this.mode = m;
            this.modeReason = reason;
            return this;
        }

        public Builder diagnosis(Diagnosis d) {
            this.diagnosis = d;
            return this;
        }

        public Builder resume(List<ResumeResult> checks) {
            this.resume = checks;
            return this;
        }

        public Builder performance(PerfVerdict p) {
            this.performance = p;
            return this;
        }

        public Builder trainerRepeats(TrainerRepeats r) {
            this.trainerRepeats = r;
            return this;
        }

        public CaseResult build() {
            return new CaseResult(name, model, flavor, config, verdict, error, inputsDivergeAtStep, baseline, test, metrics, note,
                    mode, modeReason, diagnosis, resume, performance, trainerRepeats);
        }
    }
}
