package dev.losscompare.trainer.bench;

import static dev.losscompare.trainer.bench.Benchmark.env;
import static dev.losscompare.trainer.bench.Benchmark.format;

import com.fasterxml.jackson.databind.JsonNode;
import dev.losscompare.trainer.bench.Benchmark.CaseResult;
import dev.losscompare.trainer.train.Runtime;
import java.io.PrintStream;
import java.util.List;

/** Prints the benchmark: the settings that decide speed, one row per case, and the profiles. */
final class BenchmarkReport {
    private final PrintStream out;

    BenchmarkReport(PrintStream out) {
        this.out = out;
    }

    void print(List<CaseResult> results, double matmulBefore, double matmulAfter, boolean profile) {
        CaseResult first = results.get(0);
        JsonNode meta = first.meta();
        int ranks = meta.get("world_size").asInt();
        out.println(format("benchmark: threads %d%s (OpenBLAS %d), blas %s, cpu %s, kernels %s, allocator %s, "
                        + "OPENBLAS_THREAD_TIMEOUT=%s, OMP_WAIT_POLICY=%s, torch %s, load %s",
                first.job().training().numThreads(), ranks > 1 ? " per rank x " + ranks + " ranks" : "",
                Runtime.blasThreads(), meta.get("blas_core").asText(), meta.get("cpu_capability").asText(),
                meta.get("kernels").asText(), meta.path("allocator").asText("unknown"),
                env("OPENBLAS_THREAD_TIMEOUT"), env("OMP_WAIT_POLICY"), meta.get("torch_version").asText(), loadAverage()));
        double matmul = (matmulBefore + matmulAfter) / 2;
        out.println(matmulBefore == matmulAfter
                ? format("matmul: 1024x1024 fp32 %.1f GFLOP/s", matmul)
                : format("matmul: 1024x1024 fp32 %.1f GFLOP/s (%.1f before the cases, %.1f after)", matmul, matmulBefore, matmulAfter));
        out.println(format("training: median of steps %d-%d per case (min-max)%s; GFLOP/s = median tokens/s x model FLOPs/token",
                Benchmark.WARMUP_STEPS + 1, first.job().training().steps(), ranks > 1 ? "; tokens/s counts all ranks" : ""));
        out.println(format("%-18s %-33s %-11s %-24s %8s %9s %8s %10s", "case", "model", "seq x batch",
                "tokens/s (min-max)", "GFLOP/s", "of matmul", "step ms", "cpu-s/step"));
        for (CaseResult r : results) {
            double gflops = r.tokensPerSecond().median() * r.flopsPerToken() / 1e9;
            out.println(format("%-18s %-33s %-11s %-24s %8.1f %8.0f%% %8.0f %10.2f", r.name(),
                    r.meta().get("model").asText() + " " + r.meta().get("flavor").asText(),
                    r.job().training().seqLen() + " x " + r.job().training().localBatchSize(),
                    format("%,.0f (%,.0f-%,.0f)", r.tokensPerSecond().median(), r.tokensPerSecond().min(), r.tokensPerSecond().max()),
                    gflops, 100 * gflops / matmul, r.stepMillis().median(), r.cpuSecondsPerStep().median()));
        }
        if (profile) results.forEach(this::profile);
    }

    private void profile(CaseResult r) {
        out.println();
        out.println(format("profile %s: wall ms per step (mean of %d steps); forward rows are the time up to that "
                + "module's output, summed over layers", r.name(), r.measuredSteps()));
        double stepMs = r.stepMillis().mean(), covered = 0;
        for (String segment : r.segmentOrder()) {
            double ms = r.segmentNanos().get(segment) / 1e6 / r.measuredSteps();
            covered += ms;
            out.println(format("  %-48s %9.1f %6.1f%%", segment, ms, 100 * ms / stepMs));
        }
        double other = stepMs - covered;
        out.println(format("  %-48s %9.1f %6.1f%%", "other (batch packing, freeing the step's tensors)", other, 100 * other / stepMs));
        out.println(format("  %-48s %9.1f", "step", stepMs));
    }

    private static String loadAverage() {
        try {
            return java.nio.file.Files.readString(java.nio.file.Path.of("/proc/loadavg")).split(" ")[0];
        } catch (Exception e) {
            return "unknown";
        }
    }
}
