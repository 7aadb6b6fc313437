package dev.losscompare.trainer;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;

/**
 * trainer/run_train.sh in a child process with extra environment (NGPU, RANK, fault injection),
 * its output collected, and every process it ever started remembered so a test can check that
 * none is left. close() kills whatever is still running, so a failing test leaves nothing behind.
 */
final class LaunchedRun implements AutoCloseable {
    private final Process process;
    private final ByteArrayOutputStream out = new ByteArrayOutputStream(), err = new ByteArrayOutputStream();
    private final List<Thread> pumps = new ArrayList<>();
    private final Set<ProcessHandle> seen = new HashSet<>();

    LaunchedRun(Map<String, String> env, String... args) throws IOException {
        this(List.of(), env, args);
    }

    /** run_train.sh started by {@code launcher} (e.g. srun and its options), else as above. */
    LaunchedRun(List<String> launcher, Map<String, String> env, String... args) throws IOException {
        List<String> command = new ArrayList<>(launcher);
        command.add(TinyRuns.PROJECT.resolve("trainer/run_train.sh").toString());
        command.addAll(Arrays.asList(args));
        ProcessBuilder pb = new ProcessBuilder(command).directory(TinyRuns.PROJECT.toFile());
        for (String k : List.of("NGPU", "RANK", "WORLD_SIZE", "LOCAL_RANK", "MASTER_ADDR", "MASTER_PORT")) pb.environment().remove(k);
        pb.environment().putAll(env);
        process = pb.start();
        process.getOutputStream().close();
        pumps.add(pump(process.getInputStream(), out));
        pumps.add(pump(process.getErrorStream(), err));
    }

    private static Thread pump(InputStream in, ByteArrayOutputStream to) {
        Thread t = new Thread(() -> {
            try {
                in.transferTo(to);
            } catch (IOException ignored) {
                // process gone
            }
        });
        t.start();
        return t;
    }

    /** The processes below the launcher right now (the ranks), also remembered for {@link #leftovers()}. */
    synchronized List<ProcessHandle> descendants() {
        List<ProcessHandle> now = process.toHandle().descendants().toList();
        seen.addAll(now);
        seen.add(process.toHandle());
        return now;
    }

    /** Waits until {@code count} descendants run, remembering them. */
    List<ProcessHandle> awaitDescendants(int count, long timeoutSeconds) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(timeoutSeconds);
        while (System.nanoTime() < deadline) {
            List<ProcessHandle> now = descendants();
            if (now.size() >= count || !process.isAlive()) return now;
            Thread.sleep(50);
        }
        throw new AssertionError("fewer than " + count + " ranks started within " + timeoutSeconds + " s");
    }

    /** Waits until stdout contains {@code text}. */
    void awaitOutput(String text, long timeoutSeconds) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(timeoutSeconds);
        while (!stdout().contains(text)) {
            if (System.nanoTime() > deadline || !process.isAlive()) {
                throw new AssertionError("no '" + text + "' in the output: " + stdout() + stderrLines());
            }
            descendants();
            Thread.sleep(50);
        }
    }

    /** SIGKILL to the launcher alone (run_train.sh execs it, so it is the started process). */
    void killLauncher() throws InterruptedException {
        process.destroyForcibly();
        process.waitFor();
    }

    int waitFor(long timeoutSeconds) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(timeoutSeconds);
        while (process.isAlive()) {
            descendants();
            if (!process.waitFor(200, TimeUnit.MILLISECONDS) && System.nanoTime() > deadline) {
                throw new AssertionError("run did not finish in " + timeoutSeconds + " s: " + stdout() + stderrLines());
            }
        }
        for (Thread t : pumps) t.join(10_000);
        return process.exitValue();
    }

    String stdout() {
        return out.toString(StandardCharsets.UTF_8);
    }

    List<String> stderrLines() {
        return err.toString(StandardCharsets.UTF_8).lines().toList();
    }

    /** Every process this run started that is still alive. */
    synchronized List<ProcessHandle> leftovers() {
        return seen.stream().filter(ProcessHandle::isAlive).toList();
    }

    @Override
    public void close() {
        List<ProcessHandle> all = new ArrayList<>(process.toHandle().descendants().toList());
        all.addAll(seen);
        all.add(process.toHandle());
        all.forEach(ProcessHandle::destroyForcibly);
    }
}
