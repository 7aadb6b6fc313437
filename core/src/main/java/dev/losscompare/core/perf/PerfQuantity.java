package dev.losscompare.core.perf;

import dev.losscompare.core.series.StepRecord;
import java.util.List;

/**
 * What a run's steps say about speed and memory, and under which per-step keys the sources put
 * it (docs/architecture.md, "Performance"): our JSONL's {@code tps}, {@code time_ms} and
 * {@code memory_bytes}; torchtitan's printed {@code memory: …GiB} and TensorBoard
 * {@code memory/max_reserved(GiB)} as {@code memory_gib}; Megatron's {@code iteration-time} and
 * torchtitan's {@code time_metrics/end_to_end(s)} as {@code iteration_time_s}; our JSONL's
 * {@code cpu_ms} (the process's CPU time in the step, all threads), which a loaded machine moves
 * far less than the wall time.
 */
public enum PerfQuantity {
    THROUGHPUT("throughput", "tokens/s", true, List.of(new Key("tps", 1))),
    STEP_TIME("step time", "ms", false, List.of(new Key("time_ms", 1), new Key("iteration_time_s", 1000))),
    CPU_TIME("CPU time per step", "ms", false, List.of(new Key("cpu_ms", 1))),
    MEMORY("memory", "bytes", false, List.of(new Key("memory_bytes", 1), new Key("memory_gib", 1L << 30))),
    TFLOPS("tflops", "TFLOP/s", true, List.of(new Key("tflops", 1))),
    MFU("mfu", "%", true, List.of(new Key("mfu", 1)));

    /** A per-step key and the factor that turns its value into this quantity's unit. */
    public record Key(String name, double factor) {}

    private final String label;
    private final String unit;
    private final boolean higherIsBetter;
    private final List<Key> keys;

    PerfQuantity(String label, String unit, boolean higherIsBetter, List<Key> keys) {
        this.label = label;
        this.unit = unit;
        this.higherIsBetter = higherIsBetter;
        this.keys = keys;
    }

    public String label() {
        return label;
    }

    public String unit() {
        return unit;
    }

    public boolean higherIsBetter() {
        return higherIsBetter;
    }

    public List<Key> keys() {
        return keys;
    }

    /** This step's value in the quantity's unit, or null when the step does not carry it (or it is not finite). */
    public Double of(StepRecord step) {
        for (Key k : keys) {
            Double v = step.value(k.name());
            if (v != null) return Double.isFinite(v) && v >= 0 ? v * k.factor() : null;
        }
        return null;
    }
}
