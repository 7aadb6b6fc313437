package dev.losscompare.harness.io;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/** Hex SHA-256 of bytes, text or a file: the one digest behind cache keys and provenance hashes. */
public final class Sha256 {
    private Sha256() {}

    public static MessageDigest digest() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every Java platform has SHA-256", e);
        }
    }

    public static String hex(byte[] bytes) {
        return HexFormat.of().formatHex(digest().digest(bytes));
    }

    /** The parts joined with NUL, so ("ab","c") and ("a","bc") differ. */
    public static String hex(String... parts) {
        return hex(String.join("\u0000", parts).getBytes(StandardCharsets.UTF_8));
    }

    public static String ofFile(Path file) throws IOException {
        return hex(Files.readAllBytes(file));
    }
}
