package dev.losscompare.trainer.checkpoint;

import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/** SHA-256 in hex: whole files for the manifest's checksums, tensor bytes for its per-tensor digests. */
final class Digests {
    private Digests() {}

    /** The first {@code hexDigits} hex digits of the SHA-256 of the buffer's remaining bytes. */
    static String sha256(ByteBuffer bytes, int hexDigits) {
        MessageDigest sha = sha();
        sha.update(bytes);
        return HexFormat.of().formatHex(sha.digest(), 0, hexDigits / 2);
    }

    static String sha256(Path file) throws IOException {
        MessageDigest sha = sha();
        try (InputStream in = Files.newInputStream(file)) {
            byte[] buf = new byte[1 << 16];
            for (int n; (n = in.read(buf)) > 0; ) sha.update(buf, 0, n);
        }
        return HexFormat.of().formatHex(sha.digest());
    }

    private static MessageDigest sha() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("the JDK has no SHA-256", e);
        }
    }
}
