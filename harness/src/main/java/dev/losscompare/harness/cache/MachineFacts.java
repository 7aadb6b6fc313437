package dev.losscompare.harness.cache;

import dev.losscompare.harness.io.Sha256;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;



import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SortedMap;

/**
 * What decides a run's bits besides the code and its options: the CPU's features (they choose
 * ATen's and OpenBLAS's kernels), the architecture, the JDK that runs the trainer and the
 * environment variables the trainer reads. These key a cached result, are stored with it
 * ({@code facts.txt}) and are compared with the live machine when it is restored.
 */
public record MachineFacts(String cpuFlags, String arch, String jdk, SortedMap<String, String> env) {
    public static MachineFacts of(Map<String, String> env) {
        return new MachineFacts(readCpuFlags(), System.getProperty("os.arch"), JdkIdentity.of(env), TrainerEnvironment.relevant(env));
    }

    /** One fact per line, in a fixed order: the text that keys results and is stored in facts.txt. */
    public String text() {
        StringBuilder s = new StringBuilder();
        s.append("cpu_flags=").append(cpuFlags).append('\n');
        s.append("arch=").append(arch).append('\n');
        s.append("jdk=").append(jdk).append('\n');
        env.forEach((k, v) -> s.append("env.").append(k).append('=').append(v).append('\n'));
        return s.toString();
    }

    /** The same machine under {@code env}, a run's own environment (its kernel set, say). */
    public MachineFacts withEnvironment(Map<String, String> env) {
        return new MachineFacts(cpuFlags, arch, jdk, TrainerEnvironment.relevant(env));
    }

    /**
     * Values a run's meta must show on this machine where the facts pin them: the BLAS kernel
     * run_train.sh exports (LOSS_COMPARE_OPENBLAS_CORETYPE, else SkylakeX where AVX-512 BW/VL/DQ
     * exist; otherwise OpenBLAS detects it and nothing is pinned) and a forced ATen capability.
     * Facts {@link #withEnvironment} a run's environment pin what that run ran: the portable
     * kernel set is its variables ({@code Kernels.environment()}).
     */
    public Map<String, String> pinnedMeta() {
        Map<String, String> pins = new LinkedHashMap<>();
        String forced = env.get("LOSS_COMPARE_OPENBLAS_CORETYPE");
        List<String> flags = List.of(cpuFlags.replaceFirst("^[^:]*:", "").trim().split("\\s+"));
        if (forced != null && !forced.isBlank()) pins.put("blas_core", forced);
        else if (flags.containsAll(List.of("avx512bw", "avx512vl", "avx512dq"))) pins.put("blas_core", "SkylakeX");
        String aten = env.get("ATEN_CPU_CAPABILITY");
        if (aten != null && !aten.isBlank()) pins.put("cpu_capability", aten);
        return pins;
    }

    /** A short hash of {@link #text()}, for keys. */
    public String hash() {
        return Sha256.hex(text().getBytes(StandardCharsets.UTF_8));
    }

    private static String readCpuFlags() {
        try {
            return Files.readAllLines(Path.of("/proc/cpuinfo")).stream().filter(l -> l.startsWith("flags")).findFirst().orElse("");
        } catch (IOException | RuntimeException e) {
            return ""; // not Linux: the other facts still key the entry
        }
    }
}
