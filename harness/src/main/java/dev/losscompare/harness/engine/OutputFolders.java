package dev.losscompare.harness.engine;

import dev.losscompare.harness.UsageException;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.stream.Stream;

/** The output folder: given, or ./loss_compare/&lt;UTC time&gt;-&lt;base&gt;-vs-&lt;test&gt;/ under the user's cwd. */
public final class OutputFolders {
    private static final DateTimeFormatter STAMP = DateTimeFormatter.ofPattern("yyyyMMdd'T'HHmmss'Z'").withZone(ZoneOffset.UTC);

    private OutputFolders() {}

    public static Path create(Path given, Path cwd, String base, String test, Instant now) throws IOException {
        if (given != null) {
            if (Files.isDirectory(given) && !isEmpty(given)) {
                throw new UsageException("output folder " + given + " already exists and is not empty; pick another --output-folder");
            }
            if (Files.exists(given) && !Files.isDirectory(given)) throw new UsageException("--output-folder " + given + " is a file");
            return Files.createDirectories(given);
        }
        String name = STAMP.format(now) + "-" + slug(base) + "-vs-" + slug(test);
        Path parent = Files.createDirectories(cwd.resolve("loss_compare"));
        for (int i = 1; ; i++) {
            Path dir = parent.resolve(i == 1 ? name : name + "-" + i);
            try {
                return Files.createDirectory(dir);
            } catch (java.nio.file.FileAlreadyExistsException taken) {
                // another run in the same second: next suffix
            }
        }
    }

    static String slug(String spec) {
        if (spec == null) return "none";
        if (spec.equals(".")) return "worktree";
        String s = spec.replaceAll("[^A-Za-z0-9._~-]", "_");
        return s.length() > 40 ? s.substring(0, 40) : s;
    }

    private static boolean isEmpty(Path dir) throws IOException {
        try (Stream<Path> s = Files.list(dir)) {
            return s.findAny().isEmpty();
        }
    }
}
