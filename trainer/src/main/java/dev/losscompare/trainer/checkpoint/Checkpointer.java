package dev.losscompare.trainer.checkpoint;

import dev.losscompare.trainer.config.ConfigException;
import dev.losscompare.trainer.config.JobConfig;
import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.bytedeco.javacpp.PointerScope;

/**
 * Training checkpoints with torchtitan's flags and layout (torchtitan/components/checkpoint.py at
 * 6a3a9da9): {@code --checkpoint.enable --checkpoint.folder=DIR --checkpoint.interval=N} writes
 * {@code DIR/step-N/} every N steps and at the last step (checkpoint.py:669-671, :778-791); when DIR holds a
 * checkpoint the run resumes from {@code load_step}, -1 meaning the latest (:599-608, :635-664),
 * and checkpoint.initial_load_path is then ignored (:588-593); after a save only the latest
 * {@code keep_latest_k} stay (:807-826).
 *
 * <p>A step folder appears by one rename of a finished temp folder whose manifest was written
 * last, so a crash or SIGKILL mid-write leaves the previous checkpoints as they were and no
 * {@code step-N} that loads. Under data parallelism every rank holds the same state, so rank 0
 * writes and every rank reads.
 * Over 250 lines on purpose: save, load, the latest step and pruning follow torchtitan's one
 * CheckpointManager, so the rules that tie them (which step folder counts, what a load refuses)
 * read in one place; the tensors' file format is SafeTensors' and the manifest's its own record.
 */
public final class Checkpointer {
    private static final Pattern STEP = Pattern.compile("step-(\\d+)");
    private static final Pattern TEMP = Pattern.compile("\\.step-\\d+\\.(tmp|old|purge)-(\\d+)-.*");

    private final JobConfig config;
    private final JobConfig.Checkpoint settings;
    private final Path folder;
    private final int rank;
    private final int worldSize;
    private final PrintStream log;
    private final WriteFault fault = WriteFault.fromEnvironment();

    /** A checkpoint found to resume from, checked against this run. */
    public record Found(Path dir, Manifest manifest) {
        public int step() {
            return manifest.step();
        }
    }

    public Checkpointer(JobConfig config, int rank, int worldSize, PrintStream log) {
        this.config = config;
        this.settings = config.checkpoint();
        this.folder = Path.of(settings.folder());
        this.rank = rank;
        this.worldSize = worldSize;
        this.log = log;
    }

    /**
     * The checkpoint this run resumes from: none when checkpointing is off or the folder holds no
     * complete checkpoint (and no step was asked for). Anything that would not continue this run
     * exactly is a ConfigException, before anything is written.
     */
    public Optional<Found> find() {
        if (!settings.enable()) return Optional.empty();
        TreeMap<Integer, Path> steps = completeSteps();
        int step = settings.loadStep();
        if (step == -1) {
            if (steps.isEmpty()) return Optional.empty();
            step = steps.lastKey();
        }
        Path dir = folder.resolve("step-" + step);
        if (!Files.isDirectory(dir)) {
            throw new ConfigException("--checkpoint.load_step=" + step + " but " + dir + " does not exist ("
                    + (steps.isEmpty() ? "no checkpoints in " + folder : "checkpoints in " + folder + ": step-"
                    + String.join(", step-", steps.keySet().stream().map(String::valueOf).toList())) + ")");
        }
        return Optional.of(new Found(dir, check(dir)));
    }

    /** The manifest of {@code dir}, when it belongs to this run and its files are intact. */
    private Manifest check(Path dir) {
        Path manifestFile = dir.resolve(Manifest.FILE);
        if (!Files.isRegularFile(manifestFile)) {
            throw new ConfigException(dir + " is not a complete checkpoint (no " + Manifest.FILE + "); load another step with"
                    + " --checkpoint.load_step=N");
        }
        Manifest m;
        try {
            m = Manifest.read(manifestFile);
        } catch (IOException e) {
            throw new ConfigException("cannot read " + manifestFile + ": " + firstLine(e.getMessage()));
        }
        if (m.formatVersion() != Manifest.FORMAT_VERSION) {
            throw new ConfigException(dir + " has checkpoint format " + m.formatVersion() + "; this trainer reads format "
                    + Manifest.FORMAT_VERSION);
        }
        if (!config.model().name().equals(m.model()) || !config.model().flavor().equals(m.flavor())) {
            throw new ConfigException("checkpoint " + dir + " is of " + m.model() + " " + m.flavor() + ", this run trains "
                    + config.model().name() + " " + config.model().flavor());
        }
        SortedMap<String, Object> here = RunConfig.of(config);
        if (!RunConfig.sha256(here).equals(m.configSha256())) {
            throw new ConfigException("checkpoint " + dir + " was written with another config: "
                    + RunConfig.differences(m.config() == null ? Map.of() : m.config(), here)
                    + " (resume with the config and options that wrote it)");
        }
        if (m.worldSize() != worldSize) {
            // Another rank count changes the order of the gradient reduction: it would not continue bitwise.
            throw new ConfigException("checkpoint " + dir + " was written by " + m.worldSize() + " rank(s), this run has "
                    + worldSize + ": resume with NGPU=" + m.worldSize()
                    + " (another rank count reduces gradients in another order, so it would not continue the run exactly)");
        }
        Manifest.FileSum sum = m.files() == null ? null : m.files().get(Manifest.STATE);
        Path state = dir.resolve(Manifest.STATE);
        try {
            if (sum == null || !Files.isRegularFile(state)) throw new ConfigException(dir + " is damaged: no " + Manifest.STATE);
            long size = Files.size(state);
            if (size != sum.bytes()) {
                throw new ConfigException("checkpoint " + dir + " is damaged: " + Manifest.STATE + " has " + size
                        + " bytes, its manifest says " + sum.bytes() + " (truncated?)");
            }
            if (!Digests.sha256(state).equals(sum.sha256())) {
                throw new ConfigException("checkpoint " + dir + " is damaged: the SHA-256 of " + Manifest.STATE
                        + " differs from its manifest's");
            }
        } catch (IOException e) {
            throw new ConfigException("cannot read " + state + ": " + firstLine(e.getMessage()));
        }
        return m;
    }

    /** Loads {@code found} into this run; the file must hold exactly this run's state tensors. */
    public void restore(Found found, TrainingState state) {
        SafeTensors.Contents contents = SafeTensors.read(found.dir().resolve(Manifest.STATE), "a training checkpoint");
        contents.requireNames(state.names(), "does not fit this run's state");
        try (PointerScope ignored = new PointerScope()) {
            state.restore(contents, new TrainingState.Counters(found.manifest().optimizerSteps(),
                    found.manifest().dataPosition().toPosition()));
        }
        log.println("resumed from checkpoint " + found.dir() + " (step " + found.step() + ")");
    }

    /**
     * Every interval-th step and the last one (torchtitan/train.py:612-614, checkpoint.py:778-791;
     * torchtitan's last save is model-only by default, last_save_model_only; this one is complete).
     */
    public boolean shouldSave(int step) {
        return settings.enable() && !settings.loadOnly()
                && (step % settings.interval() == 0 || step == config.training().steps());
    }

    /** Writes step-{step} (rank 0), then drops checkpoints beyond keep_latest_k. */
    public void save(int step, double lr, TrainingState state) {
        if (rank != 0) return;
        try {
            Files.createDirectories(folder);
            sweepLeftovers();
            Path tmp = folder.resolve(".step-" + step + ".tmp-" + ProcessHandle.current().pid() + "-" + UUID.randomUUID());
            Files.createDirectory(tmp);
            try {
                writeInto(tmp, step, lr, state);
            } catch (IOException | RuntimeException e) {
                deleteTree(tmp);
                throw e;
            }
            publish(tmp, folder.resolve("step-" + step));
            log.println("checkpoint written: " + folder.resolve("step-" + step));
            purge();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write checkpoint step-" + step + " into " + folder, e);
        }
    }

    /** The state file, then the manifest with its checksum: a folder with a manifest is complete. */
    private void writeInto(Path tmp, int step, double lr, TrainingState state) throws IOException {
            Map<String, String> digests;
            TrainingState.Counters counters = state.counters();
            try (PointerScope ignored = new PointerScope()) {
                digests = SafeTensors.write(state.tensors(), tmp.resolve(Manifest.STATE),
                        Map.of("format", "loss_compare training checkpoint", "step", Integer.toString(step)),
                        () -> fault.pauseIfAt(step));
            }
            Path stateFile = tmp.resolve(Manifest.STATE);
            SortedMap<String, Object> runConfig = RunConfig.of(config);
            Manifest manifest = new Manifest(Manifest.FORMAT_VERSION, config.model().name(), config.model().flavor(), step,
                    worldSize, RunConfig.sha256(runConfig), runConfig, counters.optimizerSteps(), lr,
                    Manifest.DataPosition.of(counters.data()),
                    Map.of(Manifest.STATE, new Manifest.FileSum(Files.size(stateFile), Digests.sha256(stateFile))), digests);
            writeSynced(tmp.resolve(Manifest.FILE), manifest.toJson());
    }

    /** Renames the finished temp folder to its step; an older folder of that step is moved aside first. */
    private void publish(Path tmp, Path target) throws IOException {
        Path old = null;
        if (Files.exists(target)) {
            old = folder.resolve("." + target.getFileName() + ".old-" + ProcessHandle.current().pid() + "-" + UUID.randomUUID());
            Files.move(target, old, StandardCopyOption.ATOMIC_MOVE);
        }
        Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE);
        if (old != null) deleteTree(old);
    }

    private void purge() throws IOException {
        if (settings.keepLatestK() == 0) return;
        TreeMap<Integer, Path> steps = completeSteps();
        while (steps.size() > settings.keepLatestK()) {
            Map.Entry<Integer, Path> oldest = steps.pollFirstEntry();
            // Out of the step-N namespace first, so a half-deleted folder is never taken for a checkpoint.
            Path aside = folder.resolve("." + oldest.getValue().getFileName() + ".purge-" + ProcessHandle.current().pid()
                    + "-" + UUID.randomUUID());
            Files.move(oldest.getValue(), aside, StandardCopyOption.ATOMIC_MOVE);
            deleteTree(aside);
        }
    }

    /** Temp folders of writers that died (their pid is gone): what a SIGKILL mid-write leaves. */
    private void sweepLeftovers() throws IOException {
        try (DirectoryStream<Path> entries = Files.newDirectoryStream(folder)) {
            for (Path p : entries) {
                Matcher m = TEMP.matcher(p.getFileName().toString());
                if (m.matches() && ProcessHandle.of(Long.parseLong(m.group(2))).map(h -> !h.isAlive()).orElse(true)) {
                    deleteTree(p);
                }
            }
        }
    }

    /** step-N folders with a manifest, by step (torchtitan counts those with its metadata file, checkpoint.py:652-659). */
    private TreeMap<Integer, Path> completeSteps() {
        TreeMap<Integer, Path> steps = new TreeMap<>();
        if (!Files.isDirectory(folder)) return steps;
        try (DirectoryStream<Path> entries = Files.newDirectoryStream(folder)) {
            for (Path p : entries) {
                Matcher m = STEP.matcher(p.getFileName().toString());
                if (m.matches() && Files.isRegularFile(p.resolve(Manifest.FILE))) steps.put(Integer.parseInt(m.group(1)), p);
            }
        } catch (IOException e) {
            throw new ConfigException("cannot list checkpoint folder " + folder + ": " + firstLine(e.getMessage()));
        }
        return steps;
    }

    private static void writeSynced(Path file, byte[] bytes) throws IOException {
        try (var ch = java.nio.channels.FileChannel.open(file, java.nio.file.StandardOpenOption.CREATE_NEW,
                java.nio.file.StandardOpenOption.WRITE)) {
            java.nio.ByteBuffer buf = java.nio.ByteBuffer.wrap(bytes);
            while (buf.hasRemaining()) ch.write(buf);
            ch.force(true);
        }
    }

    private static void deleteTree(Path root) throws IOException {
        if (!Files.exists(root)) return;
        try (Stream<Path> walk = Files.walk(root)) {
            List<Path> all = new ArrayList<>(walk.sorted(Comparator.reverseOrder()).toList());
            for (Path p : all) Files.deleteIfExists(p);
        }
    }

    private static String firstLine(String message) {
        return message == null ? "" : message.lines().findFirst().orElse("");
    }
}
