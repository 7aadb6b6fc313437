package dev.losscompare.trainer.trace;

import java.nio.ByteBuffer;
import java.nio.DoubleBuffer;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Map;
import org.bytedeco.javacpp.BytePointer;
import org.bytedeco.javacpp.DoublePointer;
import org.bytedeco.javacpp.PointerScope;
import org.bytedeco.pytorch.NoGradGuard;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.global.torch;

/**
 * What a trace records about one tensor. {@code digest}: the first 16 hex digits of the SHA-256
 * of its elements' bytes in row-major order on the CPU (little-endian, as libtorch stores them),
 * so it is independent of strides and device. {@code norm} (L2) and {@code maxAbs} are summed in
 * double precision in element order; for a bool tensor they are null and {@code trueCount} says
 * how many elements are true.
 */
public record TensorSummary(long[] shape, String dtype, String digest, Double norm, Double maxAbs, Long trueCount) {
    private static final Map<String, String> DTYPES = Map.of(
            "Float", "float32", "BFloat16", "bfloat16", "Half", "float16", "Double", "float64",
            "Long", "int64", "Int", "int32", "Short", "int16", "Char", "int8", "Byte", "uint8", "Bool", "bool");

    /** Elements read per buffer when a tensor's values are summed (a buffer holds at most 2^31 - 1). */
    private static final long CHUNK = 1L << 30;

    /**
     * Reads {@code t} without touching it or its autograd graph. Every copy made here is freed
     * before this returns (a nested PointerScope), so a traced step holds no extra native memory.
     */
    public static TensorSummary of(Tensor t) {
        try (PointerScope scope = new PointerScope(); NoGradGuard noGrad = new NoGradGuard()) {
            long[] shape = new long[(int) t.dim()];
            for (int i = 0; i < shape.length; i++) shape[i] = t.size(i);
            String type = t.scalar_type().toString();
            String dtype = DTYPES.getOrDefault(type, type);
            Tensor cpu = t.detach().cpu().contiguous();
            long bytes = cpu.nbytes();
            ByteBuffer data = bytes == 0 ? ByteBuffer.allocate(0)
                    : new BytePointer(cpu.data_ptr()).capacity(bytes).asByteBuffer();
            String digest = sha256(data.duplicate());
            if (dtype.equals("bool")) {
                long trueCount = 0;
                for (int i = 0; i < data.limit(); i++) if (data.get(i) != 0) trueCount++;
                return new TensorSummary(shape, dtype, digest, null, null, trueCount);
            }
            long n = cpu.numel();
            double sumSquares = 0, maxAbs = 0;
            if (n > 0) {
                Tensor asDouble = cpu.to(torch.ScalarType.Double).contiguous();
                // Read through a direct buffer: DoublePointer.get(i) is a native call per element,
                // which made tracing cost more than the traced steps. The same values, in the same order.
                DoublePointer all = new DoublePointer(asDouble.data_ptr());
                for (long start = 0; start < n; start += CHUNK) {
                    long end = Math.min(n, start + CHUNK);
                    DoubleBuffer values = all.position(start).capacity(end).asBuffer();
                    for (int i = 0; i < end - start; i++) {
                        double v = values.get(i);
                        sumSquares += v * v;
                        double a = Math.abs(v);
                        // A NaN anywhere makes max_abs NaN, so it cannot hide behind a larger value.
                        if (a > maxAbs || Double.isNaN(a)) maxAbs = Double.isNaN(maxAbs) ? maxAbs : a;
                    }
                }
            }
            return new TensorSummary(shape, dtype, digest, StrictMath.sqrt(sumSquares), maxAbs, null);
        }
    }

    private static String sha256(ByteBuffer bytes) {
        try {
            MessageDigest sha = MessageDigest.getInstance("SHA-256");
            sha.update(bytes);
            return HexFormat.of().formatHex(sha.digest(), 0, 8);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("the JDK has no SHA-256", e);
        }
    }
}
