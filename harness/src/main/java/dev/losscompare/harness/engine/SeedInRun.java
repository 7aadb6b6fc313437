package dev.losscompare.harness.engine;

import dev.losscompare.harness.run.ActiveProcesses;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * A case's seed checkpoint that the seeder's own training run writes on the way (its
 * initialization, the very bytes a seed-checkpoint run writes, then loaded back), instead of a
 * seed-checkpoint run before it. The other side waits until the file is there or that run ended;
 * a run that wrote none (restored from the result cache, or failed first) leaves it to
 * {@link Seeds#settle}, which writes it as before, with a seed-checkpoint run.
 */
final class SeedInRun {
    /** Writes the seed as a seed-checkpoint run when the run did not ({@link Seeds#settle}). */
    interface Settle {
        Seeds.Seed seed() throws IOException;
    }

    private static final long POLL_MILLIS = 50;
    private final TrainedSide writer;
    private final Settle settle;
    private final CountDownLatch ended = new CountDownLatch(1);

    SeedInRun(TrainedSide writer, Settle settle) {
        this.writer = writer;
        this.settle = settle;
    }

    /** Whether {@code side} is the one whose run writes the seed. */
    boolean writtenBy(TrainedSide side) {
        return side == writer;
    }

    /** The writing run is over (whether or not it wrote the file): waiting sides go on. */
    void ended() {
        ended.countDown();
    }

    /**
     * For the side that loads it: the seed once the writing run wrote it (the file is moved into
     * place whole), or as a seed-checkpoint run writes it when that run ended without.
     */
    Seeds.Seed await(Seeds.Seed seed) throws IOException {
        return written(seed.file()) ? seed : settle.seed();
    }

    private boolean written(Path file) {
        try {
            while (!Files.exists(file) && !ended.await(POLL_MILLIS, TimeUnit.MILLISECONDS)) {
                if (ActiveProcesses.shuttingDown()) throw new Interrupted();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new Interrupted();
        }
        return Files.exists(file);
    }
}
