package dev.losscompare.harness.perf;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * What decides a run's speed and memory besides the code: the machine (CPU model, how many cores
 * this process sees, architecture) and the run's own settings from its meta (device, threads,
 * kernel set, BLAS kernel, CPU capability, allocator, torch). Figures recorded in another
 * environment are never compared (a golden from another machine is "not comparable").
 */
public final class PerfEnvironment {
    static final String[] RUN_KEYS = {"device", "threads", "kernels", "blas_core", "cpu_capability", "allocator", "torch_version",
            "world_size"};

    private PerfEnvironment() {}

    /** This machine and the run whose meta is {@code meta}, in a fixed order; unknown values read "unknown". */
    public static Map<String, String> of(Map<String, Object> meta) {
        Map<String, String> env = new LinkedHashMap<>();
        env.put("cpu_model", cpuModel());
        env.put("cpus", String.valueOf(Runtime.getRuntime().availableProcessors()));
        env.put("arch", System.getProperty("os.arch"));
        for (String k : RUN_KEYS) env.put(k, meta.get(k) == null ? "unknown" : String.valueOf(meta.get(k)));
        return env;
    }

    private static String cpuModel() {
        try {
            return Files.readAllLines(Path.of("/proc/cpuinfo")).stream().filter(l -> l.startsWith("model name"))
                    .map(l -> l.replaceFirst("^[^:]*:", "").strip()).findFirst().orElse("unknown");
        } catch (IOException | RuntimeException e) {
            return "unknown";   // not Linux: the other keys still tell machines apart
        }
    }
}
