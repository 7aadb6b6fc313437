package dev.losscompare.harness.engine;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.stream.Stream;

/**
 * The seed checkpoints of a comparison: one per case, written by the seeder side the first time a
 * case asks (later asks, e.g. every bisect probe, get the same one), so that every run starts from
 * the same weights; deleted when the comparison ends or is interrupted (they are large and belong
 * to no output). Without a seeder every run initializes itself.
 */
public final class Seeds implements AutoCloseable {
    /** A case's checkpoint (file null: none) and its result-cache key, or the error that stopped it. */
    public record Seed(Path file, String key, String error) {
        static final Seed NONE = new Seed(null, null, null);
    }

    private final TrainedSide seeder;
    private final SeedWriter writer;
    private final Map<String, Seed> byCase = new ConcurrentHashMap<>();
    private final List<Path> written = new CopyOnWriteArrayList<>();
    private final Runnable cleanup = this::deleteAll;

    private Seeds(TrainedSide seeder, SeedWriter writer) {
        this.seeder = seeder;
        this.writer = writer;
        Interrupts.begin(cleanup);
    }

    /** Seeds written by {@code seeder} (null: none) with the session's caches and the comparison's training. */
    public static Seeds by(TrainedSide seeder, Session session, Training training) {
        return new Seeds(seeder, seeder == null ? null : new SeedWriter(session, training));
    }

    public static Seeds none() {
        return new Seeds(null, null);
    }

    /** The side that writes the seed checkpoints, or null. */
    public TrainedSide seeder() {
        return seeder;
    }

    /** The case's seed checkpoint, written into {@code caseDir} on the first ask. */
    public synchronized Seed of(CaseSpec c, Path caseDir) throws IOException {
        if (seeder == null) return Seed.NONE;
        Seed known = byCase.get(c.id().name());
        if (known != null) return known;
        Path file = caseDir.resolve(seeder.adapter().seedName());
        written.add(file);
        String error = writer.write(seeder, c, caseDir, file);
        Seed seed = error != null ? new Seed(null, null, error) : new Seed(file, writer.key(seeder, c), null);
        byCase.put(c.id().name(), seed);
        return seed;
    }

    @Override
    public void close() {
        Interrupts.done(cleanup);
        deleteAll();
    }

    private void deleteAll() {
        for (Path f : written) {
            // a file, or a folder (torchtitan's checkpoints are folders)
            try (Stream<Path> walk = Files.exists(f) ? Files.walk(f) : Stream.empty()) {
                for (Path p : walk.sorted(Comparator.reverseOrder()).toList()) Files.deleteIfExists(p);
            } catch (IOException ignored) {
                // best effort: the JVM may be stopping
            }
        }
    }
}
