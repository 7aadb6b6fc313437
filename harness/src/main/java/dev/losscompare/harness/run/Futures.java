package dev.losscompare.harness.run;

import java.io.IOException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;

/** Waiting for a run started on another thread: its own IOException or RuntimeException comes back as is. */
public final class Futures {
    private Futures() {}

    /** @param interrupted what to throw when this thread is interrupted while waiting */
    public static <T> T await(Future<T> f, java.util.function.Supplier<RuntimeException> interrupted) throws IOException {
        try {
            return f.get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw interrupted.get();
        } catch (ExecutionException e) {
            if (e.getCause() instanceof IOException io) throw io;
            if (e.getCause() instanceof RuntimeException re) throw re;
            throw new IOException(e.getCause());
        }
    }
}
