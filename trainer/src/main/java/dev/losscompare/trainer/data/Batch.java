package dev.losscompare.trainer.data;

import java.nio.ByteBuffer;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/**
 * One step's data: inputs and labels, row-major (batchSize x seqLen), and a fingerprint of both
 * so a diff can tell "inputs differ" from "model differs".
 */
public record Batch(long[] inputs, long[] labels, int batchSize, int seqLen) {
    public String fingerprint() {
        try {
            MessageDigest sha = MessageDigest.getInstance("SHA-256");
            ByteBuffer buf = ByteBuffer.allocate(8 * (inputs.length + labels.length) + 8);
            buf.putInt(batchSize).putInt(seqLen);
            for (long v : inputs) buf.putLong(v);
            for (long v : labels) buf.putLong(v);
            return HexFormat.of().formatHex(sha.digest(buf.array()), 0, 4);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
