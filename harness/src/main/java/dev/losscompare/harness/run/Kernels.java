package dev.losscompare.harness.run;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Which CPU kernels decide a run's bits. {@code NATIVE}: the machine's fastest (what the trainer
 * picks by itself). {@code PORTABLE}: a set every x86-64 CPU with AVX2 and FMA runs identically —
 * ATen's AVX2 kernels, OpenBLAS's Haswell kernels, oneDNN capped at AVX2 — so goldens recorded on one
 * machine compare bitwise on another (e.g. a CI runner without AVX-512). The variables are set by
 * the harness itself, so even a revision whose run_train.sh predates this choice runs with them;
 * {@code LOSS_COMPARE_OPENBLAS_CORETYPE} is the variable run_train.sh lets override its own choice.
 */
public enum Kernels {
    NATIVE, PORTABLE;

    public Map<String, String> environment() {
        Map<String, String> env = new LinkedHashMap<>();
        if (this == PORTABLE) {
            env.put("LOSS_COMPARE_KERNELS", "portable");
            env.put("ATEN_CPU_CAPABILITY", "avx2");
            env.put("LOSS_COMPARE_OPENBLAS_CORETYPE", "Haswell");
            env.put("ONEDNN_MAX_CPU_ISA", "AVX2");
        }
        return env;
    }
}
