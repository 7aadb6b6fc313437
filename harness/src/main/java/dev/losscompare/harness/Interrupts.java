package dev.losscompare.harness;

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
        if (CLEANUPS.isEmpty()) return;
        ActiveProcesses.killAll();
        CLEANUPS.forEach(Runnable::run);
    }
}
