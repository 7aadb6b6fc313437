package dev.losscompare.trainer.distributed;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.lang.management.ManagementFactory;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * {@code NGPU=N trainer/run_train.sh ...} with N > 1: starts N JVMs of the trainer the way
 * torchrun does (RANK, LOCAL_RANK, WORLD_SIZE, LOCAL_WORLD_SIZE, MASTER_ADDR, MASTER_PORT), passes
 * rank 0's output through and prefixes every line of rank r > 0 with {@code [rankR]}. When a rank
 * exits non-zero the others are stopped (with their process trees) and the launcher exits with
 * that rank's code, its last line repeated as the final stderr line. Ctrl-C or SIGTERM stops all
 * ranks; a rank whose launcher vanished stops itself ({@link LauncherWatch}).
 *
 * <p>Usage (run_train.sh does this): {@code java ... Launcher MAIN_CLASS [trainer args...]}.
 */
public final class Launcher {
    static final int BAD_INPUT = 2;
    private static final long STOP_GRACE_MS = 3000;

    private record Exit(int rank, int code) {}

    private final List<Process> ranks = new ArrayList<>();
    private final List<RankOutput> outputs = new ArrayList<>();

    public static void main(String[] args) throws Exception {
        int code;
        try {
            code = new Launcher().run(args, System.getenv());
        } catch (IOException e) {
            System.err.println("error: could not start the ranks: " + e.getMessage());
            code = 1; // the shutdown hook stops any rank already started
        }
        System.exit(code);
    }

    int run(String[] args, Map<String, String> env) throws Exception {
        if (args.length < 1) {
            System.err.println("error: usage: Launcher MAIN_CLASS [args...] (run_train.sh starts it when NGPU > 1)");
            return BAD_INPUT;
        }
        int n;
        try {
            n = Integer.parseInt(env.getOrDefault("NGPU", "").trim());
            if (n < 1) throw new NumberFormatException();
        } catch (NumberFormatException e) {
            System.err.println("error: bad NGPU '" + env.get("NGPU") + "': expected an integer >= 1 (the number of ranks)");
            return BAD_INPUT;
        }
        String addr = env.getOrDefault("MASTER_ADDR", "127.0.0.1");
        int port;
        try {
            port = masterPort(env.get("MASTER_PORT"));
        } catch (IllegalArgumentException e) {
            System.err.println("error: " + e.getMessage());
            return BAD_INPUT;
        }
        Runtime.getRuntime().addShutdownHook(new Thread(this::stopAll, "stop-ranks"));
        BlockingQueue<Exit> exits = new LinkedBlockingQueue<>();
        for (int rank = 0; rank < n; rank++) {
            Process p = start(rank, n, addr, port, args);
            ranks.add(p);
            outputs.add(new RankOutput(rank, p));
            int r = rank;
            p.onExit().thenAccept(done -> exits.add(new Exit(r, done.exitValue())));
        }
        for (int finished = 0; finished < n; finished++) {
            Exit exit = exits.take();
            if (exit.code() != 0) return fail(exit);
        }
        for (RankOutput o : outputs) o.drain();
        return 0;
    }

    /** A given MASTER_PORT must be free here (fail fast with a clear line); none given: pick a free one. */
    static int masterPort(String given) throws IOException {
        if (given == null || given.isBlank()) {
            try (ServerSocket s = new ServerSocket(0)) {
                return s.getLocalPort();
            }
        }
        int port;
        try {
            port = Integer.parseInt(given.trim());
        } catch (NumberFormatException e) {
            port = -1;
        }
        if (port < 1 || port > 65535) {
            throw new IllegalArgumentException("bad MASTER_PORT '" + given + "': expected a port in [1, 65535], or unset to pick a free one");
        }
        try (ServerSocket s = new ServerSocket()) {
            s.bind(new InetSocketAddress(port));
        } catch (IOException e) {
            throw new IllegalArgumentException("MASTER_PORT " + port + " is already in use on this host (another job?): "
                    + "set another MASTER_PORT, or leave it unset so a free one is picked");
        }
        return port;
    }

    private Process start(int rank, int worldSize, String addr, int port, String[] args) throws IOException {
        List<String> command = new ArrayList<>();
        command.add(ProcessHandle.current().info().command().orElse("java"));
        command.addAll(ManagementFactory.getRuntimeMXBean().getInputArguments()); // e.g. -XX:+UseSerialGC
        command.add("-cp");
        command.add(System.getProperty("java.class.path"));
        command.addAll(Arrays.asList(args));
        ProcessBuilder pb = new ProcessBuilder(command);
        Map<String, String> env = pb.environment();
        env.put("RANK", Integer.toString(rank));
        env.put("LOCAL_RANK", Integer.toString(rank));
        env.put("WORLD_SIZE", Integer.toString(worldSize));
        env.put("LOCAL_WORLD_SIZE", Integer.toString(worldSize));
        env.put("MASTER_ADDR", addr);
        env.put("MASTER_PORT", Integer.toString(port));
        env.put(LauncherWatch.ENV, Long.toString(ProcessHandle.current().pid()));
        Process p = pb.start();
        p.getOutputStream().close();
        return p;
    }

    private int fail(Exit exit) throws InterruptedException {
        outputs.forEach(o -> o.mute(o.rank != exit.rank()));
        stopAll();
        outputs.get(exit.rank()).drain();
        String last = outputs.get(exit.rank()).lastLine().replaceFirst("^error: ", "");
        String why = exit.code() > 128 ? " (killed by signal " + (exit.code() - 128) + ")" : "";
        System.out.flush();
        System.err.println("error: rank " + exit.rank() + " exited with code " + exit.code() + why
                + (last.isEmpty() ? "" : "; its last line: " + last));
        return exit.code();
    }

    /** Stops every rank still running, its descendants first: SIGTERM, then SIGKILL after a grace period. */
    private synchronized void stopAll() {
        List<ProcessHandle> all = new ArrayList<>();
        for (Process p : ranks) {
            p.toHandle().descendants().forEach(all::add);
            all.add(p.toHandle());
        }
        all.forEach(ProcessHandle::destroy);
        long deadline = System.currentTimeMillis() + STOP_GRACE_MS;
        for (ProcessHandle h : all) {
            try {
                h.onExit().get(Math.max(1, deadline - System.currentTimeMillis()), TimeUnit.MILLISECONDS);
            } catch (Exception stillRunning) {
                h.destroyForcibly();
            }
        }
        for (ProcessHandle h : all) {
            try {
                h.onExit().get(STOP_GRACE_MS, TimeUnit.MILLISECONDS);
            } catch (Exception e) {
                // reported by the caller's exit code; nothing more can be done here
            }
        }
    }

    /** Copies one rank's stdout and stderr line by line, prefixed for ranks > 0, remembering its last line. */
    private static final class RankOutput {
        final int rank;
        private final List<Thread> pumps = new ArrayList<>();
        private volatile boolean muted;
        private volatile String lastOut = "", lastErr = "";

        RankOutput(int rank, Process p) {
            this.rank = rank;
            pumps.add(pump(p.getInputStream(), System.out, false));
            pumps.add(pump(p.getErrorStream(), System.err, true));
        }

        private Thread pump(InputStream in, PrintStream to, boolean isErr) {
            String prefix = rank == 0 ? "" : "[rank" + rank + "] ";
            Thread t = new Thread(() -> {
                try (BufferedReader r = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8))) {
                    for (String line; (line = r.readLine()) != null; ) {
                        if (!line.isBlank()) {
                            if (isErr) lastErr = line;
                            else lastOut = line;
                        }
                        if (muted) continue;
                        synchronized (Launcher.class) {
                            to.println(prefix + line);
                        }
                    }
                } catch (IOException e) {
                    // the rank is gone; its exit code tells the rest
                }
            }, "rank" + rank + (isErr ? "-err" : "-out"));
            t.setDaemon(true);
            t.start();
            return t;
        }

        /** Others' output after a failure is noise (their "peer closed the connection" errors). */
        void mute(boolean mute) {
            this.muted = mute;
        }

        void drain() throws InterruptedException {
            for (Thread t : pumps) t.join(STOP_GRACE_MS);
        }

        String lastLine() {
            return lastErr.isEmpty() ? lastOut : lastErr;
        }
    }
}
