package dev.losscompare.harness.run;

import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Every child process the harness has running, so Ctrl-C (a JVM shutdown hook) can stop them:
 * a trainer left running after the harness exits would keep burning the CPU.
 */
public final class ActiveProcesses {
    private static final Set<Process> RUNNING = ConcurrentHashMap.newKeySet();
    private static final Set<Runnable> STOPPERS = ConcurrentHashMap.newKeySet();
    private static volatile boolean shuttingDown;

    private ActiveProcesses() {}

    static boolean register(Process p) {
        RUNNING.add(p);
        if (shuttingDown) {
            ProcessTree.kill(p.toHandle());
            return false;
        }
        return true;
    }

    static void unregister(Process p) {
        RUNNING.remove(p);
    }

    public static boolean shuttingDown() {
        return shuttingDown;
    }

    /**
     * Runs {@code stop} on Ctrl-C too: what runs elsewhere than in a child process (Slurm jobs).
     * Whoever adds one removes it with {@link #noLongerStop} when its work ends, so a program that
     * calls the API again and again does not collect them.
     */
    public static void alsoStop(Runnable stop) {
        STOPPERS.add(stop);
    }

    /** Removes a {@code stop} added with {@link #alsoStop}. */
    public static void noLongerStop(Runnable stop) {
        STOPPERS.remove(stop);
    }

    /** How many Ctrl-C hooks {@link #alsoStop} holds now: a finished call leaves none of its own. */
    public static int extraStops() {
        return STOPPERS.size();
    }

    /** Called from the shutdown hook: no new process may start, running ones are killed with their trees. */
    public static void killAll() {
        // Snapshot first: once no process may start, a call unwinds and its launcher removes its own hook.
        java.util.List<Runnable> stops = java.util.List.copyOf(STOPPERS);
        shuttingDown = true;
        stops.forEach(Runnable::run);
        RUNNING.parallelStream().forEach(p -> ProcessTree.kill(p.toHandle()));
    }
}
