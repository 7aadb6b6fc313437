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
        Path file = caseDir.resolve(seeder.adapter().seedName());
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
            // a file, or a folder (torchtitan's checkpoints are folders)
            try (java.util.stream.Stream<Path> walk = Files.exists(f) ? Files.walk(f) : java.util.stream.Stream.empty()) {
                for (Path p : walk.sorted(java.util.Comparator.reverseOrder()).toList()) Files.deleteIfExists(p);
            } catch (IOException ignored) {
                // best effort: the JVM may be stopping
            }
        }
    }
}
