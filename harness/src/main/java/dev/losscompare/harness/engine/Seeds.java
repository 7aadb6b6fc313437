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
    /**
     * A case's checkpoint (file null: none) and its result-cache key, or the error that stopped it;
     * {@code inRun}: not written yet, a side's training run writes it on the way (else null).
     */
    public record Seed(Path file, String key, String error, SeedInRun inRun) {
        static final Seed NONE = new Seed(null, null, null, null);

        Seed(Path file, String key, String error) {
            this(file, key, error, null);
        }
    }

    private final TrainedSide seeder;
    private final SeedWriter writer;
    private final Map<String, Seed> byCase = new ConcurrentHashMap<>();
    private final Map<String, Object> locks = new ConcurrentHashMap<>();
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

    /**
     * The case's seed checkpoint, written into {@code caseDir} on the first ask. One lock per
     * case: cases run at once (a cluster launcher) write their seeds at once.
     */
    public Seed of(CaseSpec c, Path caseDir) throws IOException {
        if (seeder == null) return Seed.NONE;
        synchronized (lock(c)) {
            Seed known = byCase.get(c.id().name());
            if (known != null) return known;
            Path file = caseDir.resolve(seeder.adapter().seedName());
            written.add(file);
            Seed seed = written(c, caseDir, file);
            byCase.put(c.id().name(), seed);
            return seed;
        }
    }

    /**
     * The case's seed checkpoint as {@link #of} gives it, except that when {@code firstRun} (the side
     * that trains first) is the seeder and its own training run can write it on the way (a
     * one-process run of a trainer that writes its initialization, locally, the seed not in the
     * result cache), that run writes it instead of a seed-checkpoint run before it: the seed is
     * then returned unwritten, with {@link Seed#inRun}. {@link #settle} after the case's runs.
     */
    public Seed ofForRun(CaseSpec c, Path caseDir, TrainedSide firstRun, boolean queuedLauncher) throws IOException {
        if (seeder == null || firstRun != seeder || queuedLauncher) return of(c, caseDir);
        synchronized (lock(c)) {
            Seed known = byCase.get(c.id().name());
            if (known != null) return known;
            Path file = caseDir.resolve(seeder.adapter().seedName());
            String key = writer.key(seeder, c);
            if (!writer.canWriteInRun(seeder, c, file, key)) return of(c, caseDir);
            written.add(file);
            writer.announceInRun(seeder);
            Seed seed = new Seed(file, key, null, new SeedInRun(seeder, () -> settle(c, caseDir)));
            byCase.put(c.id().name(), seed);
            return seed;
        }
    }

    /**
     * After the case's runs: the seed checkpoint a run was to write on the way, written as {@link #of}
     * writes it when that run did not (it came from the result cache, or failed first); any other
     * seed as it is.
     */
    public Seed settle(CaseSpec c, Path caseDir, Seed seed) throws IOException {
        return seed.inRun() == null ? seed : settle(c, caseDir);
    }

    private Seed settle(CaseSpec c, Path caseDir) throws IOException {
        synchronized (lock(c)) {
            Seed known = byCase.get(c.id().name());
            if (known.inRun() == null) return known;
            Seed settled = Files.exists(known.file()) ? new Seed(known.file(), known.key(), null)
                    : written(c, caseDir, known.file());
            byCase.put(c.id().name(), settled);
            return settled;
        }
    }

    /** The case's lock ({@link #of}). */
    private Object lock(CaseSpec c) {
        return locks.computeIfAbsent(c.id().name(), name -> new Object());
    }

    private Seed written(CaseSpec c, Path caseDir, Path file) throws IOException {
        String error = writer.write(seeder, c, caseDir, file);
        return error != null ? new Seed(null, null, error) : new Seed(file, writer.key(seeder, c), null);
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
