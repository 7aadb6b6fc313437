package dev.losscompare.harness.git;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.util.Set;

/** Path helpers for materializing trees: entries never escape their directory. */
final class SafePaths {
    private SafePaths() {}

    static Path resolve(Path root, String gitPath) throws IOException {
        Path p = root.resolve(gitPath).normalize();
        if (!p.startsWith(root.normalize())) throw new IOException("tree entry escapes its directory: " + gitPath);
        return p;
    }

    static void makeExecutable(Path file) throws IOException {
        Set<PosixFilePermission> perms = Files.getPosixFilePermissions(file);
        perms.add(PosixFilePermission.OWNER_EXECUTE);
        perms.add(PosixFilePermission.GROUP_EXECUTE);
        perms.add(PosixFilePermission.OTHERS_EXECUTE);
        Files.setPosixFilePermissions(file, perms);
    }
}
