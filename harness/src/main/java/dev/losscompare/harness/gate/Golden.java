package dev.losscompare.harness.gate;

import com.fasterxml.jackson.annotation.JsonInclude;
import dev.losscompare.core.perf.RecordedPerf;
import dev.losscompare.core.series.DefaultMetrics;
import dev.losscompare.core.series.RunSeries;
import dev.losscompare.harness.suite.GateSettings;
import dev.losscompare.harness.suite.SuiteCase;
import dev.losscompare.core.series.StepRecord;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * configs/golden/&lt;case&gt;.json: a case's loss and grad_norm series and what produced them — the
 * settings the gate must repeat ({@link Settings}) and the environment that decides the bits —
 * and, where the run carried them, its speed and memory ({@code performance}: the figures, the
 * machine and run settings they were measured in, and how; absent from goldens recorded before
 * and from runs without timings, so such files read and write as they were).
 */
public record Golden(
        int schemaVersion,
        String caseName,
        Settings settings,
        String configSha256,
        Map<String, String> environment,
        String commit,
        List<Step> series,
        @JsonInclude(JsonInclude.Include.NON_NULL) RecordedPerf performance) {
    /** A golden without performance figures. */
    public Golden(int schemaVersion, String caseName, Settings settings, String configSha256, Map<String, String> environment,
                  String commit, List<Step> series) {
        this(schemaVersion, caseName, settings, configSha256, environment, commit, series, null);
    }

    /** The same golden with these performance figures (null: none). */
    public Golden withPerformance(RecordedPerf p) {
        return new Golden(schemaVersion, caseName, settings, configSha256, environment, commit, series, p);
    }

    public static final int SCHEMA_VERSION = 1;
    /** The run meta keys whose change can change the bits without any change to the code. */
    public static final List<String> ENVIRONMENT_KEYS =
            List.of("torch_version", "device", "cpu_capability", "blas_core", "threads", "kernels");

    /**
     * What the gate runs: a mismatch means the golden no longer describes this case. The config's
     * content is not among them: it is code under test, recorded as provenance ({@code configSha256}).
     */
    public record Settings(String config, List<String> options, long seed, int steps, int threads) {
        /** What the gate runs for a suite case: the case's options, then the gate's train_options. */
        public static Settings of(SuiteCase c, GateSettings gate) {
            List<String> options = new ArrayList<>(c.options());
            options.addAll(gate.trainOptions());
            return new Settings(c.config(), options, gate.seed(), gate.steps(), gate.threads());
        }

        public String describe() {
            return config + ", options " + options + ", seed " + seed + ", steps " + steps + ", threads " + threads;
        }
    }

    public record Step(int step, double loss, double gradNorm, String dataFingerprint) {}

    public static Map<String, String> environmentOf(Map<String, Object> meta) {
        Map<String, String> env = new LinkedHashMap<>();
        for (String k : ENVIRONMENT_KEYS) env.put(k, meta.get(k) == null ? "unknown" : String.valueOf(meta.get(k)));
        return env;
    }

    public static Golden of(String caseName, Settings settings, String configSha256, Map<String, Object> meta, String commit,
                            RunSeries series) {
        List<Step> steps = new ArrayList<>();
        for (StepRecord r : series.steps()) steps.add(new Step(r.step(), r.value(DefaultMetrics.LOSS), r.value(DefaultMetrics.GRAD_NORM), r.dataFingerprint()));
        return new Golden(SCHEMA_VERSION, caseName, settings, configSha256, environmentOf(meta), commit, steps);
    }

    public RunSeries toSeries() {
        List<StepRecord> steps = new ArrayList<>();
        for (Step s : series) steps.add(new StepRecord(s.step(), Map.of(DefaultMetrics.LOSS, s.loss(), DefaultMetrics.GRAD_NORM, s.gradNorm()), s.dataFingerprint()));
        Map<String, Object> meta = new LinkedHashMap<>(environment);
        meta.put("commit", commit);
        return new RunSeries(meta, steps);
    }

    /** "blas_core SkylakeX -> Haswell, threads 1 -> 2", or empty when the environments match. */
    public String environmentDifference(Map<String, String> now) {
        List<String> diffs = new ArrayList<>();
        for (String k : ENVIRONMENT_KEYS) {
            String was = environment.get(k), is = now.get(k);
            if (was == null ? is != null : !was.equals(is)) diffs.add(k + " " + (was == null ? "unknown" : was) + " -> " + is);
        }
        return String.join(", ", diffs);
    }
}
