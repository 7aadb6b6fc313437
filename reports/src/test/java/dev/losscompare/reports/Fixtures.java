package dev.losscompare.reports;

import dev.losscompare.core.result.CaseResult;
import dev.losscompare.core.result.Comparison;
import dev.losscompare.core.judge.ComparisonMode;
import dev.losscompare.core.result.MetricResult;
import dev.losscompare.core.result.Revision;
import dev.losscompare.core.result.RunInfo;
import dev.losscompare.core.result.Verdict;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;

/**
 * Builds output folders the way the harness does: real JSONL series and logs under DIR/<case>/,
 * and a {@link Comparison} whose verdicts are computed from those files (bitwise).
 */
public final class Fixtures {
    public static final List<String> METRICS = List.of("loss", "grad_norm");
    public static final int FAIL_STEP_FRACTION = 3; // the FAIL case diverges a third of the way in

    private Fixtures() {}

    /** How a case's test side behaves. */
    public enum Kind { SAME, DRIFT, CRASH, MISSING }

    public record CaseSpec(String name, String model, String flavor, Kind kind) {}

    public static final List<CaseSpec> FOUR = List.of(
            new CaseSpec("llama3_debugmodel", "llama3", "debugmodel", Kind.SAME),
            new CaseSpec("llama3_debugmodel_flex", "llama3", "debugmodel_flex_attn", Kind.DRIFT),
            new CaseSpec("deepseek_v3_debugmodel", "deepseek_v3", "debugmodel", Kind.CRASH),
            new CaseSpec("llama4_debugmodel", "llama4", "debugmodel", Kind.MISSING));

    public static Comparison sample(Path dir, int steps) throws IOException {
        return sample(dir, steps, FOUR);
    }

    public static Comparison sample(Path dir, int steps, List<CaseSpec> specs) throws IOException {
        List<CaseResult> cases = new ArrayList<>();
        int seed = 1;
        for (CaseSpec spec : specs) cases.add(writeCase(dir, spec, steps, seed++));
        return new Comparison(Comparison.SCHEMA_VERSION, dev.losscompare.core.result.ComparisonKind.COMPARE,
                new Revision("main", "3f2c9a1e7b5d40c8a6e1f29b7d3c5a8e0f4b6d21", "Attention: one op, masks passed to forward",
                        "2025-06-02T14:31:07+02:00", false),
                new Revision(".", "9b1d7e3c2a4f6e8d0c1b3a5f7e9d2c4b6a8f0e13", null, null, true),
                "configs/llama3_debug.toml", steps, 42, 4, METRICS, ComparisonMode.bitwise(),
                "2025-06-03T09:15:42.123Z", 12.5 + steps * 0.05, cases);
    }

    static CaseResult writeCase(Path dir, CaseSpec spec, int steps, int seed) throws IOException {
        Integer driftFrom = spec.kind() == Kind.DRIFT ? Math.max(2, steps / FAIL_STEP_FRACTION) : null;
        int testSteps = spec.kind() == Kind.CRASH ? Math.max(1, steps / 4) : steps;
        double[][] b = curves(steps, seed, null);
        double[][] t = curves(steps, seed, driftFrom);
        for (int i = 0; i < 3; i++) t[i] = java.util.Arrays.copyOf(t[i], testSteps); // a crash cuts the run short
        Map<String, Object> meta = Map.of("model", spec.model(), "flavor", spec.flavor(), "params", 6_389_504,
                "torch_version", "2.10.0", "device", "cpu", "threads", 4);
        writeSeries(dir, spec.name() + "/baseline.jsonl", meta, b);
        writeLog(dir, spec.name() + "/baseline_training.log", b);
        RunInfo base = new RunInfo("baseline", List.of("--training.seq_len=64"), spec.name() + "/baseline.jsonl",
                spec.name() + "/baseline_training.log", 3.2 + steps * 0.02, 0, null, false, meta);
        RunInfo test;
        String error = null;
        List<MetricResult> metrics = new ArrayList<>();
        switch (spec.kind()) {
            case MISSING -> {
                error = "test run wrote no metrics file (exit 134: trainer aborted before step 1)";
                test = new RunInfo("test", List.of("--training.seq_len=64"), spec.name() + "/test.jsonl",
                        spec.name() + "/test_training.log", 0.4, 134, error, false, Map.of());
                Files.writeString(dir.resolve(spec.name() + "/test_training.log"), "fatal: <weights> & \"names\" mismatch\n");
                for (String m : METRICS) metrics.add(new MetricResult(m, Verdict.ERROR, null, null, null, 0, 0, 0, 0, error));
            }
            case CRASH -> {
                error = "test run exited 1 after step " + testSteps + ": RuntimeException: out of memory";
                writeSeries(dir, spec.name() + "/test.jsonl", meta, t);
                writeLog(dir, spec.name() + "/test_training.log", t);
                test = new RunInfo("test", List.of("--training.seq_len=64"), spec.name() + "/test.jsonl",
                        spec.name() + "/test_training.log", 1.1, 1, error, false, meta);
                for (int i = 0; i < METRICS.size(); i++) {
                    metrics.add(new MetricResult(METRICS.get(i), Verdict.ERROR, null, null, null, 0, 0, 0, testSteps, error));
                }
            }
            default -> {
                writeSeries(dir, spec.name() + "/test.jsonl", meta, t);
                writeLog(dir, spec.name() + "/test_training.log", t);
                test = new RunInfo("test", List.of("--training.seq_len=64"), spec.name() + "/test.jsonl",
                        spec.name() + "/test_training.log", 3.3 + steps * 0.02, 0, null, true, meta);
                for (int i = 0; i < METRICS.size(); i++) metrics.add(diff(METRICS.get(i), b[i + 1], t[i + 1]));
            }
        }
        Verdict v = Verdict.PASS;
        for (MetricResult m : metrics) v = v.worst(m.verdict());
        return new CaseResult(spec.name(), spec.model(), spec.flavor(), "configs/" + spec.model() + "_debug.toml", v,
                v == Verdict.ERROR ? error : null, null, base, test, metrics);
    }

    /** {steps, loss, grad_norm}; float32 values like the trainer's. The test side drifts from {@code driftFrom}. */
    static double[][] curves(int n, int seed, Integer driftFrom) {
        Random r = new Random(seed);
        double[][] c = new double[3][n];
        for (int i = 0; i < n; i++) {
            int s = i + 1;
            double tau = Math.max(5, n / 6.0);
            double loss = 2.1 + 6.2 * Math.exp(-s / tau) + 0.08 * r.nextGaussian();
            double grad = 0.35 + 1.4 * Math.exp(-s / (tau * 0.7)) + 0.05 * Math.abs(r.nextGaussian());
            if (driftFrom != null && s >= driftFrom) {
                double eps = Math.min(2e-2, 4e-7 * Math.pow(1.35, Math.min(60, (s - driftFrom) * 100.0 / n)));
                loss *= 1 + eps;
                grad *= 1 - eps * 1.7;
            }
            c[0][i] = s;
            c[1][i] = (float) loss;
            c[2][i] = (float) grad;
        }
        return c;
    }

    static void writeSeries(Path dir, String rel, Map<String, Object> meta, double[][] c) throws IOException {
        StringBuilder b = new StringBuilder();
        b.append("{\"meta\":{\"model\":\"").append(meta.get("model")).append("\",\"torch_version\":\"2.10.0\",\"device\":\"cpu\",\"threads\":4}}\n");
        for (int i = 0; i < c[0].length; i++) {
            b.append("{\"step\":").append((int) c[0][i]).append(",\"loss\":").append(c[1][i]).append(",\"grad_norm\":")
                    .append(c[2][i]).append(",\"lr\":8.0E-5,\"tokens\":2048,\"data_fingerprint\":\"")
                    .append(Integer.toHexString(0x9c1f0000 + (int) c[0][i])).append("\"}\n");
        }
        Path f = dir.resolve(rel);
        Files.createDirectories(f.getParent());
        Files.writeString(f, b, StandardCharsets.UTF_8);
    }

    static void writeLog(Path dir, String rel, double[][] c) throws IOException {
        StringBuilder b = new StringBuilder();
        for (int i = 0; i < c[0].length; i++) {
            b.append(String.format(Locale.ROOT, "step: %d  loss: %.4f  grad_norm: %.4f  memory: 0.23GiB  tps: 3,104%n",
                    (int) c[0][i], c[1][i], c[2][i]));
        }
        Path f = dir.resolve(rel);
        Files.createDirectories(f.getParent());
        Files.writeString(f, b, StandardCharsets.UTF_8);
    }

    /** A bitwise diff the way the harness computes it (enough for fixtures). */
    static MetricResult diff(String metric, double[] b, double[] t) {
        Integer first = null;
        double maxAbs = 0, maxRel = 0, sumAbs = 0;
        for (int i = 0; i < b.length; i++) {
            double d = Math.abs(t[i] - b[i]);
            if (first == null && Double.doubleToLongBits(t[i]) != Double.doubleToLongBits(b[i])) first = i;
            maxAbs = Math.max(maxAbs, d);
            maxRel = Math.max(maxRel, d / Math.abs(b[i]));
            sumAbs += d;
        }
        if (first == null) {
            return new MetricResult(metric, Verdict.PASS, null, null, null, 0, 0, 0, b.length,
                    metric + " identical over " + b.length + " steps");
        }
        return new MetricResult(metric, Verdict.FAIL, first + 1, b[first], t[first], maxAbs, maxRel, sumAbs / b.length, b.length,
                metric + " differs from step " + (first + 1));
    }
}
