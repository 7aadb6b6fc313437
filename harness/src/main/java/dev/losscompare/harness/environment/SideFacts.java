package dev.losscompare.harness.environment;

import dev.losscompare.core.result.CaseResult;
import dev.losscompare.core.result.RunInfo;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Function;

/**
 * What a side ran, read from its runs: the facts its runs' metrics meta states (this repository's
 * trainer: torch_version, blas, blas_core, cpu_capability, device, allocator, jdk), on top of what
 * the side's Python interpreter reported before training (a Python trainer: python_version,
 * torch_version, cuda_version, cudnn_version, blas, blas_library, blas_core).
 */
public final class SideFacts {
    /** The meta keys that say what ran (not how the run was set up: model, steps, seed are the same on both sides). */
    public static final List<String> META_KEYS = List.of("torch_version", "cuda_version", "cudnn_version", "device", "blas",
            "blas_core", "cpu_capability", "allocator", "jdk", "python_version");

    private SideFacts() {}

    /** The side's facts: the probe's, then every case's run meta (the first case that states a fact wins). */
    public static Map<String, String> of(Map<String, String> probed, List<CaseResult> cases, Function<CaseResult, RunInfo> side) {
        Map<String, String> facts = new TreeMap<>(probed);
        for (CaseResult c : cases) {
            RunInfo run = side.apply(c);
            if (run == null) continue;
            for (String k : META_KEYS) {
                Object v = run.meta().get(k);
                if (v != null && !facts.containsKey(k)) facts.put(k, String.valueOf(v));
            }
        }
        return facts;
    }
}
