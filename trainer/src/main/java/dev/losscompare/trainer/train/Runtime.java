package dev.losscompare.trainer.train;

import dev.losscompare.trainer.config.ConfigException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.bytedeco.openblas.global.openblas_full;
import org.bytedeco.pytorch.Device;
import org.bytedeco.pytorch.global.torch;

/**
 * Process-wide settings that decide whether two runs give the same bits: device, thread counts
 * (libtorch's intra-op pool and OpenBLAS's own pool), seeding and deterministic algorithms.
 */
public final class Runtime {
    private Runtime() {}

    /** auto: CUDA when libtorch sees a GPU, else CPU. cuda without a GPU is a user error. */
    public static Device selectDevice(String requested) {
        boolean cuda = cudaAvailable();
        return switch (requested) {
            case "cpu" -> new Device(torch.DeviceType.CPU);
            case "cuda" -> {
                if (!cuda) {
                    throw new ConfigException("training.device=cuda but no CUDA device is available "
                            + "(use --training.device=cpu, or build with the cuda profile on a GPU machine)");
                }
                yield new Device(torch.DeviceType.CUDA);
            }
            default -> cuda ? new Device(torch.DeviceType.CUDA) : new Device(torch.DeviceType.CPU);
        };
    }

    private static boolean cudaAvailable() {
        try {
            return torch.cuda_is_available();
        } catch (Throwable e) {
            return false; // CPU-only natives have no CUDA runtime at all
        }
    }

    /**
     * Pins libtorch's intra-op threads and OpenBLAS's threads to n, and inter-op to 1. The OpenBLAS
     * pool is separate from libtorch's: left alone it sizes itself to the machine.
     */
    public static void pinThreads(int n) {
        torch.set_num_threads(n);
        try {
            torch.set_num_interop_threads(1);
        } catch (RuntimeException alreadyStarted) {
            // Only settable before the first inter-op task; a second trainer in one JVM (tests) keeps 1.
        }
        openblas_full.openblas_set_num_threads(n);
    }

    public static int blasThreads() {
        return openblas_full.openblas_get_num_threads();
    }

    /** "OpenBLAS 0.3.31": the BLAS library and its version (its config string's second word). */
    public static String blas() {
        String[] config = openblas_full.openblas_get_config().getString().split("\\s+");
        return config.length > 1 ? "OpenBLAS " + config[1] : "OpenBLAS";
    }

    public static String blasCore() {
        return openblas_full.openblas_get_corename().getString();
    }

    /** Seeds every generator and, if asked, forbids nondeterministic kernels (an error, not a warning). */
    public static void seedAndDeterminism(long seed, boolean deterministic, Device device) {
        torch.manual_seed(seed);
        torch.globalContext().setDeterministicAlgorithms(deterministic, false);
        if (device.is_cuda()) {
            torch.globalContext().setDeterministicCuDNN(deterministic);
            torch.globalContext().setBenchmarkCuDNN(false);
        }
    }

    /**
     * The malloc that serves libtorch's buffers: "jemalloc" when it is mapped into this process
     * (run_train.sh preloads it, see LOSS_COMPARE_ALLOCATOR), else "glibc". Read from the process's
     * own mappings, so it says what ran, not what was asked for. Decides speed, not bits.
     */
    public static String allocator() {
        try (java.util.stream.Stream<String> maps = Files.lines(Path.of("/proc/self/maps"))) {
            return maps.anyMatch(l -> l.contains("libjemalloc")) ? "jemalloc" : "glibc";
        } catch (IOException | RuntimeException e) {
            return "unknown";
        }
    }

    /** CPU time of this process so far, every thread (libtorch's OpenMP and OpenBLAS pools included), in ns; -1 unknown. */
    public static long processCpuNanos() {
        var os = java.lang.management.ManagementFactory.getOperatingSystemMXBean();
        return os instanceof com.sun.management.OperatingSystemMXBean sun ? sun.getProcessCpuTime() : -1;
    }

    /** Resident set size of this process: what "memory" means on CPU. */
    public static long residentBytes() {
        try {
            String[] statm = Files.readString(Path.of("/proc/self/statm")).trim().split("\\s+");
            return Long.parseLong(statm[1]) * 4096L;
        } catch (IOException | RuntimeException e) {
            return -1;
        }
    }

    /** The JVM that ran the trainer ("17.0.12+7 Eclipse Adoptium"): recorded in every run's meta. */
    public static String jdk() {
        return System.getProperty("java.runtime.version", System.getProperty("java.version")) + " "
                + System.getProperty("java.vm.vendor", "unknown");
    }

    /** libtorch's version, read from its build config ("TORCH_VERSION=2.10.0"). */
    public static String torchVersion() {
        return buildConfigValue("TORCH_VERSION=([^,\\s]+)");
    }

    /** The SIMD level libtorch dispatches to on this CPU ("AVX512", "AVX2", ...): it changes kernels, so bits. */
    public static String cpuCapability() {
        return buildConfigValue("CPU capability usage: (\\S+)");
    }

    private static String buildConfigValue(String regex) {
        java.util.regex.Matcher m = java.util.regex.Pattern.compile(regex).matcher(torch.show_config().getString());
        return m.find() ? m.group(1) : "unknown";
    }
}
