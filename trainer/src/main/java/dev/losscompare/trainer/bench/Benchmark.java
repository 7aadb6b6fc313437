package dev.losscompare.trainer.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.losscompare.trainer.config.ConfigException;
import dev.losscompare.trainer.config.ConfigLoader;
import dev.losscompare.trainer.config.JobConfig;
import dev.losscompare.trainer.distributed.DistEnv;
import dev.losscompare.trainer.model.Ops;
import dev.losscompare.trainer.train.Runtime;
import dev.losscompare.trainer.train.Trainer;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.bytedeco.javacpp.PointerScope;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.global.torch;

/**
 * {@code trainer/run_train.sh --benchmark [--config=PATH | --suite=FILE] [--profile] [--section.key=value ...]}:
 * trains each case for a short run and prints tokens/s (median of the steps after warm-up, with
 * min and max), the model FLOP rate it implies, this machine's plain fp32 matmul rate under the
 * same thread settings and the ratio of the two, the process CPU time per step, and the settings
 * that decide speed. {@code --profile} adds where each case's step time goes. Not a test: numbers
 * depend on the machine and its load.
 */
public final class Benchmark {
    static final int WARMUP_STEPS = 3;
    private static final ObjectMapper JSON = new ObjectMapper();

    private Benchmark() {}

    public static void main(String[] args) throws Exception {
        try {
            run(BenchmarkArgs.parse(args));
        } catch (ConfigException e) {
            System.err.println("error: " + e.getMessage());
            System.exit(2);
        }
    }

    private static void run(BenchmarkArgs a) throws Exception {
        boolean reports = DistEnv.fromEnvironment().rank() == 0; // other ranks write no metrics
        List<CaseResult> results = new ArrayList<>();
        double matmulBefore = reports ? matmulGflops(1024, 2.0) : 0;
        for (BenchCase c : a.cases()) results.add(runCase(c, a.overrides(), a.profile(), reports));
        if (!reports) return;
        double matmulAfter = a.cases().size() > 1 ? matmulGflops(1024, 2.0) : matmulBefore;
        new BenchmarkReport(System.out).print(results, matmulBefore, matmulAfter, a.profile());
    }

    private static CaseResult runCase(BenchCase c, List<String> overrides, boolean profile, boolean reports) throws Exception {
        Path metrics = Files.createTempFile("benchmark", ".jsonl");
        try {
            List<String> all = new ArrayList<>(List.of("--training.steps=20"));
            all.addAll(c.options());
            all.addAll(overrides);
            all.add("--metrics.path=" + metrics);
            JobConfig job = ConfigLoader.load(c.config(), all);
            if (job.training().steps() <= WARMUP_STEPS) {
                throw new ConfigException("benchmark needs training.steps > " + WARMUP_STEPS + " (the first are warm-up)");
            }
            StepProfiler profiler = new StepProfiler(profile, WARMUP_STEPS + 1);
            new Trainer(job, new PrintStream(new ByteArrayOutputStream())).withStepHooks(profiler::step).run();
            return reports ? read(c, job, metrics, profiler) : null;
        } finally {
            Files.deleteIfExists(metrics);
        }
    }

    private static CaseResult read(BenchCase c, JobConfig job, Path metricsFile, StepProfiler profiler) throws Exception {
        List<String> lines = Files.readAllLines(metricsFile);
        JsonNode meta = JSON.readTree(lines.get(0)).get("meta");
        List<Double> tps = new ArrayList<>(), stepMs = new ArrayList<>(), cpu = new ArrayList<>();
        for (String line : lines.subList(1 + WARMUP_STEPS, lines.size())) {
            JsonNode step = JSON.readTree(line);
            tps.add(step.get("tps").doubleValue());
            stepMs.add(step.get("time_ms").doubleValue());
            cpu.add(profiler.cpuSecondsByStep().get(step.get("step").asInt()));
        }
        return new CaseResult(c.name(), job, meta, Stats.of(tps), Stats.of(stepMs), Stats.of(cpu),
                Map.copyOf(profiler.segments()), profiler.segments().keySet().stream().toList(),
                profiler.measuredSteps());
    }

    /** One case's measurements (steps after warm-up). segmentOrder: the profile's segments in step order. */
    record CaseResult(String name, JobConfig job, JsonNode meta, Stats tokensPerSecond, Stats stepMillis,
                      Stats cpuSecondsPerStep, Map<String, Long> segmentNanos, List<String> segmentOrder,
                      int measuredSteps) {
        double flopsPerToken() {
            return meta.get("flops_per_token").doubleValue();
        }
    }

    /** Repeated n x n fp32 matmuls for about {@code seconds}, after a warm-up. */
    static double matmulGflops(int n, double seconds) {
        try (PointerScope ignored = new PointerScope()) {
            Tensor a = torch.randn(new long[] {n, n}, Ops.options(torch.ScalarType.Float));
            Tensor b = torch.randn(new long[] {n, n}, Ops.options(torch.ScalarType.Float));
            for (int i = 0; i < 3; i++) torch.matmul(a, b).close();
            long start = System.nanoTime(), count = 0;
            while (System.nanoTime() - start < seconds * 1e9) {
                torch.matmul(a, b).close();
                count++;
            }
            double elapsed = (System.nanoTime() - start) / 1e9;
            return 2.0 * n * n * n * count / elapsed / 1e9;
        }
    }

    static String env(String name) {
        String v = System.getenv(name);
        return v == null ? "unset" : v;
    }

    static String format(String pattern, Object... values) {
        return String.format(Locale.ROOT, pattern, values);
    }
}
