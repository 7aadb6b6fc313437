package dev.losscompare.harness.cache;

import dev.losscompare.core.judge.StepCount;
import dev.losscompare.harness.io.Sha256;
import dev.losscompare.harness.run.TrainerArgs;
import dev.losscompare.core.series.MetricsFile;
import dev.losscompare.core.series.RunSeries;
import dev.losscompare.core.series.UnreadableSeriesException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;


import java.util.Comparator;

import java.util.Map;
import java.util.UUID;
import java.util.stream.Stream;

/**
 * Finished runs and seed checkpoints, keyed by everything that determines them: the revision's
 * content key (its tree, or its declared inputs), the trainer's full options, the key of the seed
 * checkpoint a run loads, the fingerprints of the working-tree inputs linked into the revision,
 * and the {@link MachineFacts} (CPU features, JDK, the environment
 * variables the trainer reads). An entry is published by renaming a complete directory and
 * carries a checksum and the facts it was recorded under; one that is partial, corrupt, has the
 * wrong steps, or whose facts or meta do not fit this machine is deleted and the run is trained
 * again, never used.
 * <pre>
 *   results/&lt;key&gt;/series.jsonl | seed.safetensors | trace.jsonl | resumed.jsonl   the payload
 *   results/&lt;key&gt;/training.log
 *   results/&lt;key&gt;/facts.txt      MachineFacts.text() when it was stored
 *   results/&lt;key&gt;/complete       sha256 of the payload, written last
 *   results/.tmp-*                 an entry being written (swept after a day)
 * </pre>
 */
public final class ResultCache {
    private static final String DONE = "complete";
    private static final String FACTS = "facts.txt";
    private final Path root;
    private final Map<String, String> env;

    /** Checks restored entries against this process's environment. */
    public ResultCache(Path cacheRoot) {
        this(cacheRoot, System.getenv());
    }

    /** @param env the environment the trainer runs with (the one the keys were computed from) */
    public ResultCache(Path cacheRoot, Map<String, String> env) {
        this.root = cacheRoot.resolve("results");
        this.env = Map.copyOf(env);
        if (Files.isDirectory(root)) StaleTemporaries.sweep(root);
    }

    public static String seedKey(Materialized m, TrainerArgs args, Map<String, String> env) {
        return sha256("seed", content(m), String.join("\u0000", args.recordedOptions()), machine(env));
    }

    public static String runKey(Materialized m, TrainerArgs args, String seedKeyOrNull, Map<String, String> env) {
        return sha256("run", content(m), String.join("\u0000", args.recordedOptions()), String.valueOf(seedKeyOrNull), machine(env));
    }

    /** The revision's content key, with the fingerprints of its working-tree inputs when it has any (an edit to them retrains). */
    private static String content(Materialized m) {
        return m.linked().isEmpty() ? m.key() : m.key() + "+wt:" + m.linked().contentKey();
    }

    /** What decides the bits besides the code and options (see {@link MachineFacts}). */
    static String machine(Map<String, String> env) {
        return MachineFacts.of(env).text();
    }

    /**
     * Copies a verified run (series and log) to the targets; false when there is none usable.
     * Besides its checksum and steps, the entry's recorded facts must be this machine's, and its
     * meta must show the BLAS kernel / CPU capability this machine pins under the run's own
     * environment {@code runEnvironment} (its kernel set; see {@link MachineFacts#pinnedMeta()}):
     * an entry recorded elsewhere is retrained, not trusted.
     */
    public boolean restoreRun(String key, int steps, Path seriesTarget, Path logTarget, Map<String, String> runEnvironment)
            throws IOException {
        Path entry = root.resolve(key);
        if (!Files.isDirectory(entry)) return false;
        MachineFacts live = MachineFacts.of(env);
        if (!valid(entry, "series.jsonl") || !sameFacts(entry, live) || !completeSeries(entry.resolve("series.jsonl"), steps)
                || !metaFits(entry.resolve("series.jsonl"), live.withEnvironment(runEnvironment))) {
            discard(entry);
            return false;
        }
        Files.copy(entry.resolve("series.jsonl"), seriesTarget, StandardCopyOption.REPLACE_EXISTING);
        copyLog(entry, logTarget);
        return true;
    }

    public void storeRun(String key, Path series, Path log) throws IOException {
        publish(key, "series.jsonl", series, log);
    }

    public boolean restoreSeed(String key, Path target) throws IOException {
        return restoreFile(key, "seed.safetensors", target);
    }

    /** A traced run's trace file (diagnosis), keyed apart from runs: {@link #traceKey}. */
    public boolean restoreTrace(String key, Path target) throws IOException {
        return restoreFile(key, "trace.jsonl", target);
    }

    public void storeTrace(String key, Path trace, Path log) throws IOException {
        publish(key, "trace.jsonl", trace, log);
    }

    /** The key of the trace written by the run with key {@code runKey} (its series is not what is kept). */
    public static String traceKey(String runKey) {
        return sha256("trace", runKey);
    }

    /**
     * The keys of a resume check's two runs (continuous, then resumed from its step-{@code k}
     * checkpoint), from the key of the side's plain run: the same tree, options, seed checkpoint
     * and machine, plus the checkpoint flags that {@code k} decides.
     */
    public static String resumeKey(String runKey, int k, String run) {
        return sha256("resume", runKey, Integer.toString(k), run);
    }

    /** A resumed run's series (steps K+1..N only, so not a {@link #restoreRun} entry) and log. */
    public boolean restoreResumed(String key, Path seriesTarget, Path logTarget) throws IOException {
        if (!restoreFile(key, "resumed.jsonl", seriesTarget)) return false;
        copyLog(root.resolve(key), logTarget);
        return true;
    }

    /** The entry's training log, when it kept one. */
    private static void copyLog(Path entry, Path logTarget) throws IOException {
        Path log = entry.resolve("training.log");
        if (Files.exists(log)) Files.copy(log, logTarget, StandardCopyOption.REPLACE_EXISTING);
    }

    public void storeResumed(String key, Path series, Path log) throws IOException {
        publish(key, "resumed.jsonl", series, log);
    }

    private boolean restoreFile(String key, String name, Path target) throws IOException {
        Path entry = root.resolve(key);
        if (!Files.isDirectory(entry)) return false;
        if (!valid(entry, name) || !sameFacts(entry, MachineFacts.of(env))) {
            discard(entry);
            return false;
        }
        Files.copy(entry.resolve(name), target, StandardCopyOption.REPLACE_EXISTING);
        return true;
    }

    /** Whether a seed checkpoint is kept under {@code key} (not verified here: {@link #restoreSeed} verifies it). */
    public boolean hasSeed(String key) {
        return holds(key, "seed.safetensors");
    }

    /** Whether a run is kept under {@code key} (not verified here: {@link #restoreRun} verifies it). */
    public boolean hasRun(String key) {
        return holds(key, "series.jsonl");
    }

    private boolean holds(String key, String name) {
        Path entry = root.resolve(key);
        return Files.isRegularFile(entry.resolve(name)) && Files.isRegularFile(entry.resolve(DONE));
    }

    public void storeSeed(String key, Path seedFile) throws IOException {
        publish(key, "seed.safetensors", seedFile, null);
    }

    private void publish(String key, String name, Path payload, Path logOrNull) throws IOException {
        Files.createDirectories(root);
        Path tmp = Files.createDirectory(root.resolve(StaleTemporaries.PREFIX + UUID.randomUUID()));
        try {
            Files.copy(payload, tmp.resolve(name));
            if (logOrNull != null && Files.exists(logOrNull)) Files.copy(logOrNull, tmp.resolve("training.log"));
            Files.writeString(tmp.resolve(FACTS), MachineFacts.of(env).text());
            Files.writeString(tmp.resolve(DONE), sha256(Files.readAllBytes(tmp.resolve(name))) + "\n");
            try {
                Files.move(tmp, root.resolve(key), StandardCopyOption.ATOMIC_MOVE);
            } catch (IOException e) {
                // Another run published the same key first (identical by construction): keep theirs.
                if (!Files.isDirectory(root.resolve(key))) throw e;
            }
        } finally {
            discard(tmp);
        }
    }

    private static boolean valid(Path entry, String name) throws IOException {
        Path done = entry.resolve(DONE), payload = entry.resolve(name);
        if (!Files.isRegularFile(done) || !Files.isRegularFile(payload)) return false;
        return Files.readString(done).strip().equals(sha256(Files.readAllBytes(payload)));
    }

    private static boolean sameFacts(Path entry, MachineFacts live) throws IOException {
        Path facts = entry.resolve(FACTS);
        return Files.isRegularFile(facts) && Files.readString(facts).equals(live.text());
    }

    /** The cached run's meta agrees with every value this machine pins (fields the meta lacks are not judged). */
    private static boolean metaFits(Path series, MachineFacts live) {
        try {
            Map<String, Object> meta = MetricsFile.read(series).meta();
            for (Map.Entry<String, String> pin : live.pinnedMeta().entrySet()) {
                Object recorded = meta.get(pin.getKey());
                if (recorded != null && !String.valueOf(recorded).equalsIgnoreCase(pin.getValue())) return false;
            }
            return true;
        } catch (UnreadableSeriesException e) {
            return false;
        }
    }

    private static boolean completeSeries(Path series, int steps) {
        try {
            RunSeries s = MetricsFile.read(series);
            return StepCount.isComplete(s, steps);
        } catch (UnreadableSeriesException e) {
            return false;
        }
    }

    private static void discard(Path dir) throws IOException {
        if (!Files.exists(dir)) return;
        try (Stream<Path> walk = Files.walk(dir)) {
            for (Path p : walk.sorted(Comparator.reverseOrder()).toList()) Files.deleteIfExists(p);
        }
    }

    private static String sha256(String... parts) {
        return Sha256.hex(parts);
    }

    private static String sha256(byte[] bytes) {
        return Sha256.hex(bytes);
    }
}
