package dev.losscompare.trainer.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.losscompare.trainer.config.ConfigException;
import dev.losscompare.trainer.config.ConfigLoader;
import dev.losscompare.trainer.config.JobConfig;
import dev.losscompare.trainer.dist.DistEnv;
import dev.losscompare.trainer.model.Ops;
import dev.losscompare.trainer.train.Runtime;
import dev.losscompare.trainer.train.Trainer;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import org.bytedeco.javacpp.PointerScope;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.global.torch;

/**
 * {@code trainer/run_train.sh --benchmark [--config=PATH] [--section.key=value ...]}: trains a
 * short run and prints tokens/s, the model FLOP rate it implies, and this machine's plain fp32
 * matmul rate under the same thread settings, so the gap to the machine's limit is visible.
 * Not a test: numbers depend on the machine and its load.
 */
public final class Benchmark {
    private static final int WARMUP_STEPS = 3;

    private Benchmark() {}

    public static void main(String[] args) throws Exception {
        Path config = Path.of("configs/llama3_debug.toml");
        List<String> overrides = new ArrayList<>(List.of("--training.steps=20"));
        for (String arg : args) {
            if (arg.startsWith("--config=")) config = Path.of(arg.substring("--config=".length()));
            else overrides.add(arg);
        }
        Path metrics = Files.createTempFile("benchmark", ".jsonl");
        try {
            overrides.add("--metrics.path=" + metrics);
            JobConfig job = ConfigLoader.load(config, overrides);
            if (job.training().steps() <= WARMUP_STEPS) {
                throw new ConfigException("benchmark needs training.steps > " + WARMUP_STEPS + " (the first are warm-up)");
            }
            new Trainer(job, new PrintStream(new ByteArrayOutputStream())).run();
            if (DistEnv.fromEnvironment().rank() == 0) report(job, metrics); // other ranks write no metrics
        } catch (ConfigException e) {
            System.err.println("error: " + e.getMessage());
            System.exit(2);
        } finally {
            Files.deleteIfExists(metrics);
        }
    }

    private static void report(JobConfig job, Path metricsFile) throws Exception {
        ObjectMapper json = new ObjectMapper();
        List<String> lines = Files.readAllLines(metricsFile);
        JsonNode meta = json.readTree(lines.get(0)).get("meta");
        double[] tps = lines.stream().skip(1 + WARMUP_STEPS).mapToDouble(l -> {
            try {
                return json.readTree(l).get("tps").doubleValue();
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        }).sorted().toArray();
        double medianTps = tps[tps.length / 2];
        double flopsPerToken = meta.get("flops_per_token").doubleValue();
        double trainGflops = medianTps * flopsPerToken / 1e9;
        double matmulGflops = matmulGflops(1024, 2.0);
        int ranks = meta.get("world_size").asInt();
        System.out.printf(Locale.ROOT, "benchmark %s %s: seq_len %d, batch %d%s, threads %d%s, blas %s, cpu %s, torch %s%n",
                meta.get("model").asText(), meta.get("flavor").asText(), job.training().seqLen(),
                job.training().localBatchSize(), ranks > 1 ? " per rank x " + ranks + " ranks" : "",
                job.training().numThreads(), ranks > 1 ? " per rank" : "", meta.get("blas_core").asText(),
                meta.get("cpu_capability").asText(), meta.get("torch_version").asText());
        System.out.printf(Locale.ROOT, "training: %,.0f tokens/s%s (median of steps %d-%d), %.3g FLOPs/token -> %.1f GFLOP/s%n",
                medianTps, ranks > 1 ? " (all ranks)" : "", WARMUP_STEPS + 1, job.training().steps(), flopsPerToken, trainGflops);
        System.out.printf(Locale.ROOT, "matmul:   1024x1024 fp32 %.1f GFLOP/s%n", matmulGflops);
        System.out.printf(Locale.ROOT, "ratio:    training runs at %.0f%% of this machine's fp32 matmul rate%n",
                100 * trainGflops / matmulGflops);
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
}
