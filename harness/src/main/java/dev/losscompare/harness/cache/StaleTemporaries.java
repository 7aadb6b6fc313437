package dev.losscompare.harness.cache;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Comparator;
import java.util.stream.Stream;

/**
 * Temporaries ({@code .tmp-*}) that a crashed or killed run left in a cache directory; a day old
 * means nobody is still writing them. One rule for revisions/ and results/.
 */
final class StaleTemporaries {
    static final String PREFIX = ".tmp-";
    static final Duration AGE = Duration.ofDays(1);

    private StaleTemporaries() {}

    static void sweep(Path dir) {
        Instant cutoff = Instant.now().minus(AGE);
        try (Stream<Path> entries = Files.list(dir)) {
            entries.filter(p -> p.getFileName().toString().startsWith(PREFIX)).forEach(p -> {
                try {
                    if (Files.getLastModifiedTime(p, LinkOption.NOFOLLOW_LINKS).toInstant().isBefore(cutoff)) deleteTree(p);
                } catch (IOException ignored) {
                    // another run may be removing it too
                }
            });
        } catch (IOException ignored) {
            // cleanup is best effort
        }
    }

    static void deleteTree(Path dir) throws IOException {
        if (!Files.exists(dir, LinkOption.NOFOLLOW_LINKS)) return;
        try (Stream<Path> walk = Files.walk(dir)) {
            for (Path p : walk.sorted(Comparator.reverseOrder()).toList()) Files.deleteIfExists(p);
        }
    }
}
