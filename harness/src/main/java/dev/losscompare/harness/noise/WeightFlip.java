package dev.losscompare.harness.noise;

import dev.losscompare.core.io.AtomicFiles;
import dev.losscompare.harness.diagnose.Safetensors;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * Writes a copy of a seed checkpoint (safetensors) with the last mantissa bit of a seeded random
 * subset of its floating-point values flipped: a rounding-level change of the initial weights,
 * the size of the error any reordering of a float sum makes (Monte Carlo arithmetic's idea).
 * Values are little-endian; the lowest bit of an element's first byte is its last mantissa bit.
 * Integer tensors are left alone.
 */
public final class WeightFlip {
    private WeightFlip() {}

    /** @return how many values were flipped */
    public static long write(Path seedCheckpoint, Path out, long seed, double fraction) throws IOException {
        if (!(fraction > 0 && fraction <= 1)) throw new IllegalArgumentException("fraction must be in (0, 1], got " + fraction);
        byte[] bytes = Files.readAllBytes(seedCheckpoint);
        SplittableRandom random = new SplittableRandom(seed);
        long flipped = 0;
        try (Safetensors st = Safetensors.open(seedCheckpoint)) {
            for (Map.Entry<String, Safetensors.Entry> e : st.entries().entrySet()) {
                int size = floatSize(e.getValue().dtype());
                if (size == 0) continue;
                long begin = st.dataStart() + e.getValue().begin(), end = st.dataStart() + e.getValue().end();
                for (long at = begin; at + size <= end; at += size) {
                    if (random.nextDouble() >= fraction) continue;
                    bytes[(int) at] ^= 1;
                    flipped++;
                }
            }
        }
        AtomicFiles.write(out, bytes);
        return flipped;
    }

    /** Bytes per element of a floating-point dtype, 0 for any other. */
    private static int floatSize(String dtype) {
        return switch (dtype) {
            case "F64" -> 8;
            case "F32" -> 4;
            case "F16", "BF16" -> 2;
            default -> 0;
        };
    }
}
