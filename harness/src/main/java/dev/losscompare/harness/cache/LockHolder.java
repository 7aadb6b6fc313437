package dev.losscompare.harness.cache;

import java.io.IOException;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Instant;
import java.time.LocalTime;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoUnit;
import java.util.Arrays;
import java.util.List;
import java.util.Properties;
import java.util.UUID;

/**
 * Who holds a cache lock: pid, command and since when, written next to the lock file by the holder,
 * so a process that has to wait can say what it waits for instead of hanging silently.
 * <pre>  locks/&lt;key&gt;.lock.holder   pid=…  command=…  since=&lt;ISO instant&gt;</pre>
 */
final class LockHolder {
    private static volatile String description;

    private LockHolder() {}

    static Path fileFor(Path lockFile) {
        return lockFile.resolveSibling(lockFile.getFileName() + ".holder");
    }

    /** Replaces how this process describes itself in holder files (e.g. "loss_compare compare HEAD~1 HEAD"). */
    static void describeThisProcess(String what) {
        description = what;
    }

    static void write(Path lockFile) throws IOException {
        Properties p = new Properties();
        p.setProperty("pid", Long.toString(ProcessHandle.current().pid()));
        p.setProperty("command", thisProcess());
        p.setProperty("since", Instant.now().truncatedTo(ChronoUnit.SECONDS).toString());
        Path target = fileFor(lockFile);
        Path tmp = target.resolveSibling(target.getFileName() + "." + UUID.randomUUID() + ".tmp");
        try (var out = Files.newBufferedWriter(tmp)) {
            p.store(out, null);
        }
        try {
            Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } catch (AtomicMoveNotSupportedException e) {
            Files.move(tmp, target, StandardCopyOption.REPLACE_EXISTING);
        }
    }

    static void clear(Path lockFile) {
        try {
            Files.deleteIfExists(fileFor(lockFile));
        } catch (IOException ignored) {
            // a stale holder file is only read while the lock is held by someone else
        }
    }

    /** "pid 123 (loss_compare HEAD~1 HEAD, since 14:03:07)", or what is known when the file is missing. */
    static String describe(Path lockFile) {
        Path f = fileFor(lockFile);
        Properties p = new Properties();
        try (var in = Files.newBufferedReader(f)) {
            p.load(in);
        } catch (IOException e) {
            return "another process (it left no holder information in " + f + ")";
        }
        String since = p.getProperty("since", "?");
        try {
            since = LocalTime.ofInstant(Instant.parse(since), ZoneId.systemDefault()).format(DateTimeFormatter.ofPattern("HH:mm:ss"));
        } catch (RuntimeException ignored) {
            // keep the raw value
        }
        return "pid " + p.getProperty("pid", "?") + " (" + p.getProperty("command", "?") + ", since " + since + ")";
    }

    /** The harness's own arguments when this JVM runs its Main, else the command line, shortened. */
    static String thisProcess() {
        if (description != null) return description;
        ProcessHandle.Info info = ProcessHandle.current().info();
        List<String> args = info.arguments().map(Arrays::asList).orElse(List.of());
        int main = args.indexOf("dev.losscompare.harness.Main");
        if (main >= 0) return "loss_compare " + String.join(" ", args.subList(main + 1, args.size()));
        String line = info.commandLine().orElse("java");
        return line.length() > 120 ? line.substring(0, 117) + "..." : line;
    }
}
