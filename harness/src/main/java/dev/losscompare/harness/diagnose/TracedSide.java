package dev.losscompare.harness.diagnose;

import dev.losscompare.core.judge.Role;
import java.io.IOException;
import java.nio.file.Path;

/**
 * One trained side of one case, as diagnosis needs it: what it is, and the two things diagnosis
 * asks of it — re-run steps 1..k with the trainer's trace, and write its own seed checkpoint. The
 * engine implements it; diagnosis knows nothing of builds, caches or processes.
 */
public interface TracedSide {
    Role role();

    /** The revision as the user named it. */
    String spec();

    /** The trainer adapter's name (loss_compare, torchtitan, command). */
    String trainerName();

    /** How its trainer is traced: "loss_compare" (its own trace), "pytorch" (the injected tracer) or "none" (TrainerAdapter.trace). */
    String trace();

    /** Whether this repository's trainer runs it (only it writes traces and safetensors seed checkpoints). */
    boolean ownTrainer();

    /** The rank count of its run. */
    int ranks();

    /**
     * Re-runs steps 1..k of its run with the trace on, into {@code dir}, from the checkpoint its run
     * loaded: its own trainer's trace, or the PyTorch tracer's (its ranks in one file).
     */
    default TraceOutcome traceTo(int k, Path dir) throws IOException {
        return traceTo(k, dir, 1);
    }

    /** The same; {@code run} 2 is a second traced run of the same side (its own files and cache entry), to measure its run-to-run noise. */
    TraceOutcome traceTo(int k, Path dir, int run) throws IOException;

    /**
     * Writes its own seed checkpoint at {@code file} (or restores it: its run may have written it on the way), saying
     * {@code announce + " ..."} before a run, {@code announce + ": from cache"} for a kept one; returns the error line, or null.
     */
    String writeOwnSeed(Path dir, Path file, String announce) throws IOException;

    /** The trace written (null when there is none), or why not; {@code rejected}: the trainer does not know the trace keys. */
    record TraceOutcome(Path trace, boolean fromCache, boolean rejected, String error) {}
}
