package dev.losscompare.harness.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.dataformat.toml.TomlMapper;
import dev.losscompare.harness.Console;
import dev.losscompare.harness.UsageException;
import dev.losscompare.harness.engine.OutputFolders;
import dev.losscompare.harness.api.LossCompare;
import dev.losscompare.harness.launch.LocalLauncher;
import dev.losscompare.harness.launch.SlurmLauncher;
import dev.losscompare.harness.launch.SlurmSettings;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import picocli.CommandLine.Option;

/**
 * Where the runs start: here (local, the default) or as Slurm jobs ({@code --launcher=slurm}, or
 * a suite's {@code [launcher]} table), with the folder the nodes share.
 */
public final class LauncherOptions {
    /** The launchers there are. */
    public enum Kind { local, slurm }

    private static final Set<String> KEYS = new TreeSet<>(List.of("type", "shared_dir", "partition", "account", "time_limit",
            "nodes", "tasks_per_node", "gpus_per_node", "sbatch_args", "builds"));

    @Option(names = "--launcher", paramLabel = "local|slurm",
            description = "Where runs start: local child processes (default), or every run as a Slurm job (also a suite's [launcher] table).")
    Kind launcher;

    @Option(names = "--shared-dir", paramLabel = "DIR",
            description = "With slurm: a folder every node sees (job files; the cache unless LOSS_COMPARE_CACHE or --cache-dir says otherwise).")
    Path sharedDir;

    /**
     * The repository as {@code repo} names it, with this invocation's launcher set before any run
     * starts; under Slurm the cache is the shared dir's {@code cache/} unless one was chosen
     * explicitly. {@code suiteOrNull}: the suite whose {@code [launcher]} table applies.
     */
    LossCompare open(Console console, RepoOptions repo, Path suiteOrNull, Duration timeout) throws IOException {
        LossCompare lc = repo.open(console);
        Path suiteFileOrNull = suiteOrNull == null ? null : console.cwd().resolve(suiteOrNull);
        JsonNode table = suiteFileOrNull == null ? null : table(suiteFileOrNull);
        Kind kind = launcher != null ? launcher
                : table != null ? kind(table.path("type").asText("slurm"), suiteFileOrNull) : Kind.local;
        if (kind == Kind.local) {
            if (sharedDir != null) throw new UsageException("--shared-dir is for --launcher=slurm (the runs start here)");
            return lc.setLauncher(LocalLauncher.INSTANCE);
        }
        SlurmSettings settings = settings(console, table, suiteFileOrNull);
        if (!onPath("sbatch")) {
            throw new UsageException("--launcher=slurm: sbatch is not on PATH (run from a machine that submits to the cluster)");
        }
        lc.setLauncher(new SlurmLauncher(settings, console.err()));
        console.err().println("launcher: slurm, shared dir " + console.show(settings.sharedDir())
                + (timeout == null ? "" : ", job time limit from --timeout " + dev.losscompare.core.text.Durations.human(timeout)));
        boolean cacheChosen = repo.cacheDir != null || console.env().get("LOSS_COMPARE_CACHE") != null;
        return cacheChosen ? lc : lc.setCacheDir(settings.sharedDir().resolve("cache"));
    }

    private SlurmSettings settings(Console console, JsonNode t, Path suite) {
        String where = t == null ? null : "--suite: " + suite + ": [launcher]";
        if (t != null) {
            for (var it = t.fieldNames(); it.hasNext(); ) {
                String k = it.next();
                if (!KEYS.contains(k)) throw new UsageException(where + ": unknown key '" + k + "' (keys: " + String.join(", ", KEYS) + ")");
            }
        }
        Path shared = sharedDir != null ? console.cwd().resolve(sharedDir)
                : t != null && t.has("shared_dir") ? suite.getParent().resolve(string(t, "shared_dir", where)) : null;
        if (shared == null) {
            throw new UsageException("--launcher=slurm needs --shared-dir=DIR (or shared_dir in the suite's [launcher] table): "
                    + "a folder every node sees, for job files and the cache; the output folder must be on shared storage too");
        }
        OutputFolders.checkFolder(shared, sharedDir != null ? "--shared-dir" : where + ": shared_dir");
        List<String> extra = new ArrayList<>();
        if (t != null && t.has("sbatch_args")) {
            JsonNode a = t.get("sbatch_args");
            if (!a.isArray()) throw new UsageException(where + ": 'sbatch_args' must be a list of strings");
            for (JsonNode s : a) {
                if (!s.isTextual()) throw new UsageException(where + ": 'sbatch_args' must be a list of strings");
                extra.add(s.asText());
            }
        }
        Duration limit = null;
        if (t != null && t.has("time_limit")) {
            try {
                limit = DurationConverter.parse(string(t, "time_limit", where));
            } catch (RuntimeException e) {
                throw new UsageException(where + ": 'time_limit': " + e.getMessage());
            }
        }
        boolean builds = false;
        if (t != null && t.has("builds")) {
            if (!t.get("builds").isBoolean()) throw new UsageException(where + ": 'builds' must be true or false");
            builds = t.get("builds").asBoolean();
        }
        return new SlurmSettings(shared.normalize(), t == null ? null : optString(t, "partition", where),
                t == null ? null : optString(t, "account", where), limit, count(t, "nodes", where), count(t, "tasks_per_node", where),
                count(t, "gpus_per_node", where), extra, builds);
    }

    private static JsonNode table(Path suite) {
        try {
            JsonNode root = new TomlMapper().readTree(suite.toFile());
            JsonNode t = root.get("launcher");
            if (t != null && !t.isObject()) throw new UsageException("--suite: " + suite + ": 'launcher' must be a [launcher] table");
            return t;
        } catch (IOException e) {
            return null; // the suite reader says what is wrong with the file
        }
    }

    private static Kind kind(String s, Path suite) {
        try {
            return Kind.valueOf(s);
        } catch (IllegalArgumentException e) {
            throw new UsageException("--suite: " + suite + ": [launcher] type must be \"local\" or \"slurm\", got \"" + s + "\"");
        }
    }

    private static String string(JsonNode t, String key, String where) {
        if (!t.get(key).isTextual()) throw new UsageException(where + ": '" + key + "' must be a string");
        return t.get(key).asText();
    }

    private static String optString(JsonNode t, String key, String where) {
        return t.has(key) ? string(t, key, where) : null;
    }

    private static Integer count(JsonNode t, String key, String where) {
        if (t == null || !t.has(key)) return null;
        JsonNode v = t.get(key);
        if (!v.isIntegralNumber() || v.asLong() < 1) throw new UsageException(where + ": '" + key + "' must be a whole number >= 1");
        return v.asInt();
    }

    /** On the PATH the harness starts processes with (its own, not the console's view of the environment). */
    private static boolean onPath(String program) {
        String path = System.getenv().getOrDefault("PATH", "");
        for (String dir : path.split(":")) {
            if (!dir.isEmpty() && Files.isExecutable(Path.of(dir, program))) return true;
        }
        return false;
    }
}
