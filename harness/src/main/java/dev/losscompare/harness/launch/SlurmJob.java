package dev.losscompare.harness.launch;

import dev.losscompare.harness.run.ActiveProcesses;
import dev.losscompare.harness.run.ChildProcess;
import dev.losscompare.harness.run.RunOutcome;
import java.io.PrintStream;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

/**
 * A submitted run: followed through the queue until it ends, its state changes printed as
 * progress lines. Only COMPLETED with exit code 0 is a clean end; every other end (failed,
 * cancelled, preempted, out of time, node lost, purged unseen) carries the job id, its state and
 * the tail of its log.
 */
final class SlurmJob implements RunHandle {
    private static final long POLL_MILLIS = 1000;
    /** Past its own limit plus this, a job Slurm did not stop is cancelled by the harness. */
    private static final Duration GRACE = Duration.ofMinutes(2);

    private final String id;
    private final String label;
    private final Path log;
    private final Duration timeout;
    private final SlurmQueue queue;
    private final PrintStream progress;
    private final Runnable done;
    private final long submitted = System.nanoTime();

    SlurmJob(String id, String label, Path log, Duration timeout, SlurmQueue queue, PrintStream progress, Runnable done) {
        this.id = id;
        this.label = label;
        this.log = log;
        this.timeout = timeout;
        this.queue = queue;
        this.progress = progress;
        this.done = done;
    }

    @Override
    public RunOutcome await() {
        String last = "SUBMITTED";
        long runningSince = 0;
        try {
            while (true) {
                SlurmQueue.JobState s = queue.state(id);
                if (!s.state().equals(last)) {
                    progress.println("slurm job " + id + " (" + label + "): " + s.state());
                    last = s.state();
                }
                if (runningSince == 0 && s.state().equals("RUNNING")) runningSince = System.nanoTime();
                if (s.ended() || s.state().equals("UNKNOWN")) return ended(s);
                if (ActiveProcesses.shuttingDown()) return interrupted();
                if (timeout != null && runningSince != 0 && System.nanoTime() - runningSince > timeout.plus(GRACE).toNanos()) {
                    kill();
                    return outcome(-1, true, "Slurm job " + id + " (" + label + ") ran past its time limit and was cancelled by the harness");
                }
                Thread.sleep(POLL_MILLIS);
            }
        } catch (InterruptedException e) {
            kill();
            Thread.currentThread().interrupt();
            return interrupted();
        } finally {
            queue.forget(id);
            done.run();
        }
    }

    private RunOutcome ended(SlurmQueue.JobState s) {
        int exit = exitOf(s.exitCode());
        if (s.state().equals("COMPLETED") && exit == 0) {
            return new RunOutcome(0, false, false, seconds(), ChildProcess.lastLine(log));
        }
        if (ActiveProcesses.shuttingDown()) return interrupted();
        String job = "Slurm job " + id + " (" + label + ") ended " + s.state()
                + (s.exitCode() == null ? "" : ", exit code " + s.exitCode())
                + (s.state().equals("UNKNOWN") ? " (it left the queue and neither scontrol nor sacct knows it)" : "");
        return outcome(exit == 0 ? -1 : exit, s.state().equals("TIMEOUT"), job);
    }

    private RunOutcome outcome(int exit, boolean timedOut, String job) {
        List<String> tail = ChildProcess.tail(log, 3);
        String line = job + (tail.isEmpty() ? "; its log is empty" : "; last lines of its log: " + String.join(" | ", tail));
        return new RunOutcome(exit, timedOut, false, seconds(), line, job);
    }

    private RunOutcome interrupted() {
        return new RunOutcome(-1, false, true, seconds(), "interrupted", "Slurm job " + id + " cancelled");
    }

    /** "1:0" is exit 1; "0:15" is signal 15 (as 128 + 15, like a shell). */
    private static int exitOf(String code) {
        if (code == null) return 0;
        String[] f = code.split(":");
        try {
            int exit = Integer.parseInt(f[0]);
            int signal = f.length > 1 ? Integer.parseInt(f[1]) : 0;
            return exit != 0 ? exit : signal != 0 ? 128 + signal : 0;
        } catch (NumberFormatException e) {
            return 1;
        }
    }

    private double seconds() {
        return (System.nanoTime() - submitted) / 1e9;
    }

    @Override
    public void kill() {
        SlurmCommand.run("scancel", id);
    }
}
