package dev.losscompare.harness.git;

import dev.losscompare.core.result.WorkingTreeInput;
import dev.losscompare.harness.io.Sha256;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.file.FileVisitOption;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.List;
import java.util.stream.Stream;

/**
 * The fingerprint of a working-tree input (a file, or a folder and everything under it, symlinks
 * followed): a SHA-256 over each file's relative path, size and content digest, in path order.
 * A file up to {@link #FULL_HASH_LIMIT} bytes is hashed whole; a larger one (a 10 GB
 * train.bin) by its size, its modification time and the SHA-256 of three 1 MiB samples (start,
 * middle, end), so a run does not reread the dataset: an edit that keeps size and mtime and misses
 * the samples goes unseen, which is why the mtime is part of it.
 */
public final class InputFingerprint {
    /** Files up to this size (64 MiB) are hashed in full. */
    public static final long FULL_HASH_LIMIT = 64L << 20;
    static final int SAMPLE = 1 << 20;

    private InputFingerprint() {}

    public static WorkingTreeInput of(Path workTree, String listed) throws IOException {
        Path root = workTree.resolve(listed);
        MessageDigest all = Sha256.digest();
        long files = 0, bytes = 0;
        List<Path> paths;
        try (Stream<Path> walk = Files.walk(root, FileVisitOption.FOLLOW_LINKS)) {
            paths = walk.filter(Files::isRegularFile).sorted().toList();
        }
        for (Path f : paths) {
            long size = Files.size(f);
            String rel = root.relativize(f).toString();
            all.update((rel + "\u0000" + size + "\u0000" + fileDigest(f, size) + "\n").getBytes(java.nio.charset.StandardCharsets.UTF_8));
            files++;
            bytes += size;
        }
        return new WorkingTreeInput(listed, "sha256:" + HexFormat.of().formatHex(all.digest()).substring(0, 16), files, bytes);
    }

    private static String fileDigest(Path f, long size) throws IOException {
        MessageDigest d = Sha256.digest();
        if (size <= FULL_HASH_LIMIT) {
            try (var in = new java.security.DigestInputStream(Files.newInputStream(f), d)) {
                in.transferTo(java.io.OutputStream.nullOutputStream());
            }
            return HexFormat.of().formatHex(d.digest());
        }
        d.update(("sampled " + Files.getLastModifiedTime(f).toMillis()).getBytes(java.nio.charset.StandardCharsets.UTF_8));
        byte[] buf = new byte[SAMPLE];
        try (RandomAccessFile r = new RandomAccessFile(f.toFile(), "r")) {
            for (long at : new long[] {0, size / 2 - SAMPLE / 2, size - SAMPLE}) {
                r.seek(at);
                r.readFully(buf);
                d.update(buf);
            }
        }
        return HexFormat.of().formatHex(d.digest());
    }
}
