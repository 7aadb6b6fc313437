package dev.losscompare.harness.run;

import dev.losscompare.harness.launch.RunHandle;
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
public final class ChildProcess implements RunHandle {
    private final Process process;   // null: it could not start, or Ctrl-C came first
    private final RunOutcome early;
    private final Path log;
    private final Duration timeout;
    private final long start = System.nanoTime();

    private ChildProcess(Process process, RunOutcome early, Path log, Duration timeout) {
        this.process = process;
        this.early = early;
        this.log = log;
        this.timeout = timeout;
    }

    public static RunOutcome run(List<String> command, Path workDir, Path log, Duration timeout) throws IOException {
        return run(command, workDir, log, timeout, Map.of());
    }

    /** @param environment variables set for the child on top of this process's environment; a null value removes one */
    public static RunOutcome run(List<String> command, Path workDir, Path log, Duration timeout,
                                 Map<String, String> environment) throws IOException {
        return start(command, workDir, log, timeout, environment).await();
    }

    /** Starts the command; {@link #await()} waits for it (and enforces the timeout). */
    public static ChildProcess start(List<String> command, Path workDir, Path log, Duration timeout,
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
        Process p;
        try {
            p = pb.start();
        } catch (IOException e) {
            Files.writeString(log, "cannot start " + command.get(0) + ": " + e.getMessage() + "\n");
            return new ChildProcess(null, new RunOutcome(127, false, false, 0, "cannot start " + command.get(0) + ": " + e.getMessage()),
                    log, timeout);
        }
        if (!ActiveProcesses.register(p)) {
            return new ChildProcess(null, new RunOutcome(-1, false, true, 0, "interrupted"), log, timeout);
        }
        return new ChildProcess(p, null, log, timeout);
    }

    @Override
    public RunOutcome await() {
        if (early != null) return early;
        Process p = process;
        boolean timedOut = false;
        boolean interrupted = false;
        try {
            if (timeout == null) {
                p.waitFor();
            } else if (!p.waitFor(Math.max(0, timeout.toNanos() - (System.nanoTime() - start)), TimeUnit.NANOSECONDS)) {
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

    @Override
    public void kill() {
        if (process != null) ProcessTree.kill(process.toHandle());
    }

    /** The last non-blank line of a (possibly large) log, read from its end. */
    public static String lastLine(Path log) {
        List<String> tail = tail(log, 1);
        return tail.isEmpty() ? "" : tail.get(0);
    }

    /** The last {@code n} non-blank lines of a (possibly large) log, read from its end, stripped. */
    public static List<String> tail(Path log, int n) {
        try (RandomAccessFile f = new RandomAccessFile(log.toFile(), "r")) {
            long len = f.length();
            int size = (int) Math.min(len, 8192);
            byte[] bytes = new byte[size];
            f.seek(len - size);
            f.readFully(bytes);
            List<String> lines = new String(bytes, StandardCharsets.UTF_8).lines().filter(l -> !l.isBlank()).map(String::strip).toList();
            return lines.subList(Math.max(0, lines.size() - n), lines.size());
        } catch (IOException e) {
            return List.of();
        }
    }
}
