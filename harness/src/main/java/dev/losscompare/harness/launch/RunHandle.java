package dev.losscompare.harness.launch;

import dev.losscompare.harness.run.RunOutcome;

/** A started run: wait for its end (exit, time-out, the last line of its log), or stop it. */
public interface RunHandle {
    /** Blocks until the run ended; an interrupt stops the run first and is re-asserted. */
    RunOutcome await();

    /** Stops the run and everything it started; returns at once if it already ended. */
    void kill();
}
