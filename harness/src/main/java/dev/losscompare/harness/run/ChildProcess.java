package dev.losscompare.harness.run;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * Runs one command from an argument list (never through a shell), stdout and stderr both into a
 * log file, with an optional timeout that kills the whole process tree.
 */
public final class ChildProcess {
    private ChildProcess() {}

    public static RunOutcome run(List<String> command, Path workDir, Path log, Duration timeout) throws IOException {
        return run(command, workDir, log, timeout, Map.of());
    }

    /** @param environment variables set for the child on top of this process's environment; a null value removes one */
    public static RunOutcome run(List<String> command, Path workDir, Path log, Duration timeout,
                                 Map<String, String> environment) throws IOException {
        Files.createDirectories(log.toAbsolutePath().getParent());
        ProcessBuilder pb = new ProcessBuilder(command);
        environment.forEach((k, v) -> {
            if (v == null) pb.environment().remove(k);
            else pb.environment().put(k, v);
        });
        pb
                .directory(workDir.toFile())
                .redirectErrorStream(true)
                .redirectOutput(log.toFile())
                .redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")));
        long start = System.nanoTime();
        Process p;
        try {
            p = pb.start();
        } catch (IOException e) {
            Files.writeString(log, "cannot start " + command.get(0) + ": " + e.getMessage() + "\n");
            return new RunOutcome(127, false, false, 0, "cannot start " + command.get(0) + ": " + e.getMessage());
        }
        if (!ActiveProcesses.register(p)) {
            return new RunOutcome(-1, false, true, 0, "interrupted");
        }
        boolean timedOut = false;
        boolean interrupted = false;
        try {
            if (timeout == null) {
                p.waitFor();
            } else if (!p.waitFor(timeout.toNanos(), TimeUnit.NANOSECONDS)) {
                timedOut = true;
                ProcessTree.kill(p.toHandle());
                p.waitFor();
            }
        } catch (InterruptedException e) {
            interrupted = true;
            ProcessTree.kill(p.toHandle());
            Thread.currentThread().interrupt();
        } finally {
            ActiveProcesses.unregister(p);
        }
        double seconds = (System.nanoTime() - start) / 1e9;
        interrupted |= ActiveProcesses.shuttingDown();
        int exit = p.isAlive() ? -1 : p.exitValue();
        return new RunOutcome(exit, timedOut, interrupted, seconds, lastLine(log));
    }

    /** The last non-blank line of a (possibly large) log, read from its end. */
    static String lastLine(Path log) {
        try (RandomAccessFile f = new RandomAccessFile(log.toFile(), "r")) {
            long len = f.length();
            int n = (int) Math.min(len, 8192);
            byte[] tail = new byte[n];
            f.seek(len - n);
            f.readFully(tail);
            String[] lines = new String(tail, StandardCharsets.UTF_8).split("\n");
            for (int i = lines.length - 1; i >= 0; i--) {
                if (!lines[i].isBlank()) return lines[i].strip();
            }
        } catch (IOException e) {
            return "";
        }
        return "";
    }
}
