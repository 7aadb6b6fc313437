package dev.losscompare.harness.pipeline;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * The seed checkpoints of one comparison: one per case, written by the seeder revision so both
 * sides start from the same weights, and deleted when the comparison ends or is interrupted
 * (they are large and belong to no output). No seeder: every run initializes itself.
 */
public final class Seeds implements AutoCloseable {
    static final String FILE = "seed_checkpoint.safetensors";

    /** A case's checkpoint (file null: none) and its result-cache key, or the error that stopped it. */
    public record Seed(Path file, String key, String error) {}

    private final TrainedRevision seeder;
    private final List<Path> written = new CopyOnWriteArrayList<>();
    private final Runnable cleanup = this::deleteAll;

    public Seeds(TrainedRevision seeder) {
        this.seeder = seeder;
        Interrupts.begin(cleanup);
    }

    TrainedRevision seeder() {
        return seeder;
    }

    public Seed create(CaseSpec c, Path caseDir) throws IOException {
        if (seeder == null) return new Seed(null, null, null);
        Path file = caseDir.resolve(FILE);
        written.add(file);
        String error = seeder.createSeed(c, caseDir, file);
        return error != null ? new Seed(null, null, error) : new Seed(file, seeder.seedKey(c), null);
    }

    @Override
    public void close() {
        Interrupts.done(cleanup);
        deleteAll();
    }

    private void deleteAll() {
        for (Path f : written) {
            try {
                Files.deleteIfExists(f);
            } catch (IOException ignored) {
                // best effort: the JVM may be stopping
            }
        }
    }
}
