package dev.losscompare.harness.launch;

import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The states of the jobs this harness follows, from one {@code squeue} for all of them at most
 * once a second; a job that left the queue is asked of {@code scontrol}, then {@code sacct} (a
 * cluster may have no accounting database, this machine's test cluster has none).
 */
final class SlurmQueue {
    /** A job's state and, once it ended, its exit code ("1:0" = exit 1, signal 0). */
    record JobState(String state, String exitCode) {
        static final Set<String> ENDED = Set.of("COMPLETED", "FAILED", "CANCELLED", "TIMEOUT", "PREEMPTED", "NODE_FAIL",
                "OUT_OF_MEMORY", "BOOT_FAIL", "DEADLINE", "REVOKED", "SPECIAL_EXIT");

        boolean ended() {
            return ENDED.contains(state);
        }
    }

    private static final long REFRESH_NANOS = 1_000_000_000L;
    private final Set<String> watched = ConcurrentHashMap.newKeySet();
    private final Map<String, String> queued = new ConcurrentHashMap<>();
    private long refreshedAt;

    void watch(String id) {
        watched.add(id);
    }

    void forget(String id) {
        watched.remove(id);
        queued.remove(id);
    }

    /** The job's state now: squeue's while it is queued, else the final one. */
    JobState state(String id) {
        refresh();
        String s = queued.get(id);
        if (s != null && !JobState.ENDED.contains(s)) return new JobState(s, null);
        return finalState(id);
    }

    private synchronized void refresh() {
        if (System.nanoTime() - refreshedAt < REFRESH_NANOS || watched.isEmpty()) return;
        SlurmCommand q = SlurmCommand.run("squeue", "-h", "-o", "%i %T", "-j", String.join(",", watched));
        refreshedAt = System.nanoTime();
        if (!q.ok() && !q.out().contains("Invalid job id")) return; // keep the last known states; asked again in a second
        queued.clear();
        for (String line : q.out().lines().toList()) {
            String[] f = line.trim().split("\\s+");
            if (f.length == 2) queued.put(f[0], f[1]);
        }
    }

    private static JobState finalState(String id) {
        SlurmCommand c = SlurmCommand.run("scontrol", "-o", "show", "job", id);
        if (c.ok()) {
            String state = field(c.out(), "JobState");
            if (state != null) return new JobState(state, field(c.out(), "ExitCode"));
        }
        SlurmCommand a = SlurmCommand.run("sacct", "-n", "-P", "-X", "-j", id, "-o", "State,ExitCode");
        if (a.ok() && !a.out().isBlank()) {
            String[] f = a.out().lines().findFirst().orElse("").split("\\|");
            // sacct writes "CANCELLED by 0": the state is the first word
            if (f.length == 2) return new JobState(f[0].split(" ")[0], f[1]);
        }
        return new JobState("UNKNOWN", null);
    }

    private static String field(String line, String key) {
        for (String part : line.split("\\s+")) {
            if (part.startsWith(key + "=")) return part.substring(key.length() + 1);
        }
        return null;
    }
}
