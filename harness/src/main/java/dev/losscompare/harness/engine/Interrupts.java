package dev.losscompare.harness.engine;

import dev.losscompare.harness.run.ActiveProcesses;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Ctrl-C and kill: one JVM shutdown hook stops every trainer process tree and runs the cleanup
 * of comparisons still in progress (which then never write their comparison.json).
 */
public final class Interrupts {
    private static final Set<Runnable> CLEANUPS = ConcurrentHashMap.newKeySet();
    private static volatile boolean installed;

    private Interrupts() {}

    /** Registers a cleanup to run if the JVM is stopped before {@link #done} is called. */
    public static synchronized void begin(Runnable cleanup) {
        if (!installed) {
            Runtime.getRuntime().addShutdownHook(new Thread(Interrupts::onShutdown, "loss_compare-interrupt"));
            installed = true;
        }
        CLEANUPS.add(cleanup);
    }

    public static void done(Runnable cleanup) {
        CLEANUPS.remove(cleanup);
    }

    private static void onShutdown() {
        // Snapshot first: once the trainers die, the comparison's own thread unwinds and deregisters.
        java.util.List<Runnable> pending = java.util.List.copyOf(CLEANUPS);
        if (pending.isEmpty()) return;
        ActiveProcesses.killAll();
        pending.forEach(Runnable::run);
    }
}
