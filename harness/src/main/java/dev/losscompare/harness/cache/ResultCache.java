package dev.losscompare.harness.cache;

import dev.losscompare.harness.run.TrainerArgs;
import dev.losscompare.domain.MetricsFile;
import dev.losscompare.domain.RunSeries;
import dev.losscompare.domain.UnreadableSeriesException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.Map;
import java.util.UUID;
import java.util.stream.Stream;

/**
 * Finished runs and seed checkpoints, keyed by everything that determines them: the revision's
 * content key (its tree), the trainer's full options, the key of the seed checkpoint a run loads,
 * and the machine facts that choose the BLAS kernel. An entry is published by renaming a complete
 * directory and carries a checksum; one that is partial, corrupt or has the wrong steps is deleted
 * and the run is trained again, never used.
 */
public final class ResultCache {
    private static final String DONE = "complete";
    private final Path root;

    public ResultCache(Path cacheRoot) {
        this.root = cacheRoot.resolve("results");
    }

    public static String seedKey(Materialized m, TrainerArgs args, Map<String, String> env) {
        return sha256("seed", m.key(), String.join("\u0000", args.recordedOptions()), machine(env));
    }

    public static String runKey(Materialized m, TrainerArgs args, String seedKeyOrNull, Map<String, String> env) {
        return sha256("run", m.key(), String.join("\u0000", args.recordedOptions()), String.valueOf(seedKeyOrNull), machine(env));
    }

    /** What decides the kernels besides the code: CPU features and the overrides run_train.sh honours. */
    static String machine(Map<String, String> env) {
        String flags = "";
        try {
            flags = Files.readAllLines(Path.of("/proc/cpuinfo")).stream().filter(l -> l.startsWith("flags")).findFirst().orElse("");
        } catch (IOException | RuntimeException ignored) {
            // not Linux: the other facts still key the entry
        }
        return String.join("\u0000", flags, "coretype=" + env.getOrDefault("LOSS_COMPARE_OPENBLAS_CORETYPE", ""),
                "cuda=" + env.getOrDefault("LOSS_COMPARE_CUDA", ""), "arch=" + System.getProperty("os.arch"));
    }

    /** Copies a verified run (series and log) to the targets; false when there is none usable. */
    public boolean restoreRun(String key, int steps, Path seriesTarget, Path logTarget) throws IOException {
        Path entry = root.resolve(key);
        if (!valid(entry, "series.jsonl") || !completeSeries(entry.resolve("series.jsonl"), steps)) {
            discard(entry);
            return false;
        }
        Files.copy(entry.resolve("series.jsonl"), seriesTarget, StandardCopyOption.REPLACE_EXISTING);
        if (Files.exists(entry.resolve("training.log"))) Files.copy(entry.resolve("training.log"), logTarget, StandardCopyOption.REPLACE_EXISTING);
        return true;
    }

    public void storeRun(String key, Path series, Path log) throws IOException {
        publish(key, "series.jsonl", series, log);
    }

    public boolean restoreSeed(String key, Path target) throws IOException {
        Path entry = root.resolve(key);
        if (!valid(entry, "seed.safetensors")) {
            discard(entry);
            return false;
        }
        Files.copy(entry.resolve("seed.safetensors"), target, StandardCopyOption.REPLACE_EXISTING);
        return true;
    }

    public void storeSeed(String key, Path seedFile) throws IOException {
        publish(key, "seed.safetensors", seedFile, null);
    }

    private void publish(String key, String name, Path payload, Path logOrNull) throws IOException {
        Files.createDirectories(root);
        Path tmp = Files.createDirectory(root.resolve(".tmp-" + UUID.randomUUID()));
        try {
            Files.copy(payload, tmp.resolve(name));
            if (logOrNull != null && Files.exists(logOrNull)) Files.copy(logOrNull, tmp.resolve("training.log"));
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

    private static boolean completeSeries(Path series, int steps) {
        try {
            RunSeries s = MetricsFile.read(series);
            if (s.steps().size() != steps) return false;
            for (int i = 0; i < steps; i++) if (s.steps().get(i).step() != i + 1) return false;
            return true;
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
        return sha256(String.join("\u0001", parts).getBytes(StandardCharsets.UTF_8));
    }

    private static String sha256(byte[] bytes) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
