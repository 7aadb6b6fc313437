package dev.losscompare.harness.engine;

import dev.losscompare.core.text.SettingWords;
import dev.losscompare.core.text.Setting;
import dev.losscompare.harness.UsageException;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.Comparator;
import java.util.Optional;
import java.util.stream.Stream;

/**
 * The output folder: given, or ./loss_compare/&lt;UTC time&gt;-&lt;base&gt;-vs-&lt;test&gt;/ under the user's cwd.
 * A folder belongs to one run: {@link #create} claims it by creating {@value #LOCK} in it with
 * exclusive semantics (the run's process id inside), and {@link #owned} removes that file when the
 * run ends. A second run on the folder while the first runs is refused in one line; the files of
 * an interrupted run (its lock says so, or names a process that is gone) are no result and are
 * cleared, so the same command can be run again.
 */
public final class OutputFolders {
    /** The claim of the run writing the folder. */
    public static final String LOCK = ".loss_compare.lock";
    private static final String INTERRUPTED = "interrupted";
    private static final DateTimeFormatter STAMP = DateTimeFormatter.ofPattern("yyyyMMdd'T'HHmmss'Z'").withZone(ZoneOffset.UTC);

    private OutputFolders() {}

    /**
     * The output folder: {@code given} (claimed; refused when not new or empty, a message naming
     * the setting in {@code words}), else a new one under {@code cwd}'s loss_compare/.
     */
    public static Path create(SettingWords words, Path given, Path cwd, String base, String test, Instant now) throws IOException {
        if (given != null) return claim(given, words.name(Setting.OUTPUT_FOLDER));
        String name = STAMP.format(now) + "-" + slug(base) + "-vs-" + slug(test);
        Path parent = Files.createDirectories(cwd.resolve("loss_compare"));
        for (int i = 1; ; i++) {
            Path dir = parent.resolve(i == 1 ? name : name + "-" + i);
            try {
                Files.createDirectory(dir);
                lock(dir);
                return dir;
            } catch (FileAlreadyExistsException taken) {
                // another run in the same second: next suffix
            }
        }
    }

    /** Runs {@code work} as the owner of {@code out}: an interrupted run leaves its claim marked so; any other end releases it. */
    public static <T> T owned(Path out, Workspace.Work<T> work) throws IOException {
        boolean interrupted = false;
        try {
            return work.call();
        } catch (Interrupted e) {
            interrupted = true;
            throw e;
        } finally {
            if (!interrupted) Files.deleteIfExists(out.resolve(LOCK));
        }
    }

    /** Marks the claim as an interrupted run's (the shutdown hook calls it): the next run on the folder may clear it. */
    public static void markInterrupted(Path out) {
        try {
            Files.writeString(out.resolve(LOCK), INTERRUPTED, StandardCharsets.UTF_8);
        } catch (IOException ignored) {
            // the process is going down; a lock naming a dead process is cleared all the same
        }
    }

    /**
     * A folder the command will write into ({@code option} names it in the message; {@code setting},
     * the setting it was given with, or null): refused when it, or the nearest part of its path
     * that exists, is not a folder.
     */
    public static void checkFolder(Path dir, Setting setting, String option) {
        for (Path p = dir.toAbsolutePath(); p != null; p = p.getParent()) {
            if (!Files.exists(p)) continue;
            if (Files.isDirectory(p)) return;
            throw new UsageException(UsageException.Reason.FILE, setting, option + " " + dir + ": " + (p.equals(dir.toAbsolutePath()) ? "it" : p) + " is a file, not a folder;"
                    + " name a folder (it is created when missing)");
        }
    }

    private static Path claim(Path given, String option) throws IOException {
        checkFolder(given, Setting.OUTPUT_FOLDER, option);
        try {
            Files.createDirectories(given);
        } catch (FileSystemException e) {
            throw new UsageException(UsageException.Reason.FILE, Setting.OUTPUT_FOLDER, option + " " + given + " cannot be created (" + reason(e)
                    + "); pick a folder that does not exist or is empty");
        }
        Path lock = given.resolve(LOCK);
        // A folder with other content and no claim is the user's: refused before anything is written into it.
        if (!Files.exists(lock) && !onlyTheLock(given)) throw notEmpty(given, option);
        if (Files.exists(lock)) {
            refuseIfInUse(lock, given, option);
            clear(given);   // an interrupted run's files: no result
        }
        if (!lock(given)) {
            refuseIfInUse(lock, given, option);
            throw new UsageException(UsageException.Reason.FILE, Setting.OUTPUT_FOLDER, "output folder " + given + " was claimed by another loss_compare run; pick another "
                    + option);
        }
        if (!onlyTheLock(given)) {   // written into meanwhile by something else
            Files.deleteIfExists(lock);
            throw notEmpty(given, option);
        }
        return given;
    }

    private static void refuseIfInUse(Path lock, Path given, String option) throws IOException {
        Optional<String> holder = holder(lock);
        if (holder.isPresent()) {
            throw new UsageException(UsageException.Reason.FILE, Setting.OUTPUT_FOLDER, "output folder " + given + " is in use by another loss_compare run (" + holder.get()
                    + "); wait for it to finish or pick another " + option);
        }
    }

    private static UsageException notEmpty(Path given, String option) {
        return new UsageException(UsageException.Reason.FILE, Setting.OUTPUT_FOLDER, "output folder " + given + " already exists and is not empty; pick another " + option);
    }

    /**
     * Creates the claim, with the process id already in it (a hard link to a written temporary
     * file is created atomically or not at all); false when the folder already has one.
     */
    private static boolean lock(Path dir) throws IOException {
        Path pid = Files.createTempFile(dir, LOCK, ".tmp");
        try {
            Files.writeString(pid, String.valueOf(ProcessHandle.current().pid()), StandardCharsets.UTF_8);
            Files.createLink(dir.resolve(LOCK), pid);
            return true;
        } catch (FileAlreadyExistsException e) {
            return false;
        } finally {
            Files.deleteIfExists(pid);
        }
    }

    /** "process 1234" while the run that claimed the folder still runs; empty when it was interrupted or is gone. */
    private static Optional<String> holder(Path lock) throws IOException {
        String content;
        try {
            content = Files.readString(lock, StandardCharsets.UTF_8).strip();
        } catch (NoSuchFileException e) {
            return Optional.of("it just finished");
        }
        if (content.equals(INTERRUPTED)) return Optional.empty();
        try {
            long pid = Long.parseLong(content);
            boolean alive = ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false);
            return alive ? Optional.of("process " + pid) : Optional.empty();
        } catch (NumberFormatException e) {
            return Optional.of("its lock file " + LOCK + " says '" + content + "'");
        }
    }

    private static void clear(Path dir) throws IOException {
        try (Stream<Path> all = Files.walk(dir)) {
            all.sorted(Comparator.reverseOrder()).filter(p -> !p.equals(dir)).forEach(p -> {
                try {
                    Files.deleteIfExists(p);
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            });
        } catch (UncheckedIOException e) {
            throw e.getCause();
        }
    }

    private static String reason(FileSystemException e) {
        return e.getReason() != null ? e.getReason().toLowerCase(java.util.Locale.ROOT)
                : e instanceof FileAlreadyExistsException ? "a file is in the way: " + e.getFile() : "cannot write there";
    }

    static String slug(String spec) {
        if (spec == null) return "none";
        if (spec.equals(".")) return "worktree";
        String s = spec.replaceAll("[^A-Za-z0-9._~-]", "_");
        return s.length() > 40 ? s.substring(0, 40) : s;
    }

    private static boolean onlyTheLock(Path dir) throws IOException {
        try (Stream<Path> s = Files.list(dir)) {
            return s.allMatch(p -> p.getFileName().toString().startsWith(LOCK));
        }
    }
}
