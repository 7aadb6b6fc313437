package dev.losscompare.harness.run;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** Stops a process and everything it started (a trainer script may run Maven, which runs javac). */
public final class ProcessTree {
    private ProcessTree() {}

    public static void kill(ProcessHandle root) {
        // Snapshot descendants first: once the root dies its children are re-parented and lost to us.
        List<ProcessHandle> all = new ArrayList<>(root.descendants().toList());
        all.add(0, root);
        all.forEach(ProcessHandle::destroy);
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
        for (ProcessHandle p : all) {
            long left = deadline - System.nanoTime();
            try {
                if (left > 0) p.onExit().get(left, TimeUnit.NANOSECONDS);
            } catch (Exception timeoutOrInterrupt) {
                // escalate below
            }
            if (p.isAlive()) p.destroyForcibly();
        }
    }
}
