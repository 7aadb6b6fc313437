package dev.losscompare.harness.cache;

import java.util.Map;
import java.util.SortedMap;
import java.util.TreeMap;

/**
 * The environment variables the trainer (run_train.sh, libtorch, OpenBLAS, OpenMP, MKL, CUDA)
 * reads, and so the ones that can change its numbers: the single rule for which variables key a
 * cached result.
 */
public final class TrainerEnvironment {
    private static final String[] NAMES = {"ATEN_CPU_CAPABILITY", "CUBLAS_WORKSPACE_CONFIG", "CUDA_VISIBLE_DEVICES", "NGPU"};
    private static final String[] PREFIXES = {"OPENBLAS_", "OMP_", "MKL_", "LOSS_COMPARE_"};
    /**
     * Read by the harness only (where the cache lives), or deciding only how fast the trainer's JVM
     * starts (trainer/class_data.sh: the JVM checks the archive and never changes a class;
     * trainer/native_libraries.sh: the same library files load, found once instead of every start).
     */
    private static final String[] HARNESS_ONLY = {"LOSS_COMPARE_CACHE", "LOSS_COMPARE_CLASS_DATA", "LOSS_COMPARE_CLASS_DATA_DIR",
            "LOSS_COMPARE_NATIVE_LIBRARIES", "LOSS_COMPARE_NATIVE_LIBRARIES_DIR"};

    private TrainerEnvironment() {}

    public static boolean decidesResults(String name) {
        for (String h : HARNESS_ONLY) if (h.equals(name)) return false;
        for (String n : NAMES) if (n.equals(name)) return true;
        for (String p : PREFIXES) if (name.startsWith(p)) return true;
        return false;
    }

    /** The variables of {@code env} that decide results, sorted by name. */
    public static SortedMap<String, String> relevant(Map<String, String> env) {
        SortedMap<String, String> out = new TreeMap<>();
        env.forEach((k, v) -> {
            if (decidesResults(k)) out.put(k, v);
        });
        return out;
    }
}
