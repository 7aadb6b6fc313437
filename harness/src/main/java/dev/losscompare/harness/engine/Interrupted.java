package dev.losscompare.harness.engine;

/** Thrown when Ctrl-C stopped the runs: nothing may be recorded as a result (the command exits 130). */
public final class Interrupted extends RuntimeException {
    public Interrupted() {
        super("interrupted");
    }
}
