package dev.losscompare.harness.resume;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Stream;

/** Checkpoint folders of a resume check: copied by hard links (they are large and never modified in place), pruned to their manifests. */
final class Folders {
    private Folders() {}

    static boolean exists(Path dir) throws IOException {
        if (!Files.isDirectory(dir)) return false;
        try (Stream<Path> s = Files.list(dir)) {
            return s.findAny().isPresent();
        }
    }

    /**
     * A copy of the tree {@code from} at {@code to}; with {@code link}, files are hard-linked where
     * the file system allows (only for a trainer known never to rewrite a file in place: ours
     * writes every checkpoint into a new folder).
     */
    static void copy(Path from, Path to, boolean link) throws IOException {
        try (Stream<Path> walk = Files.walk(from)) {
            for (Path p : walk.toList()) {
                Path target = to.resolve(from.relativize(p).toString());
                if (Files.isDirectory(p)) {
                    Files.createDirectories(target);
                    continue;
                }
                if (link) {
                    try {
                        Files.createLink(target, p);
                        continue;
                    } catch (IOException | UnsupportedOperationException e) {
                        // another file system: copy
                    }
                }
                Files.copy(p, target);
            }
        }
    }

    /** Deletes everything under {@code dir} but the manifests (they stay for the record; the tensors are hundreds of MB). */
    static void pruneToManifests(Path dir) throws IOException {
        if (!Files.isDirectory(dir)) return;
        try (Stream<Path> walk = Files.walk(dir)) {
            List<Path> all = walk.sorted(Comparator.reverseOrder()).toList();
            for (Path p : all) {
                if (Files.isDirectory(p)) {
                    try (Stream<Path> s = Files.list(p)) {
                        if (s.findAny().isEmpty()) Files.delete(p);
                    }
                } else if (!p.getFileName().toString().equals("manifest.json")) {
                    Files.delete(p);
                }
            }
        }
    }
}
