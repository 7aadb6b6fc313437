package dev.losscompare.harness.suite;

import dev.losscompare.harness.Wording;
import dev.losscompare.core.text.SettingWords;
import dev.losscompare.core.text.Setting;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.dataformat.toml.TomlMapper;
import dev.losscompare.core.perf.PerfThresholds;
import dev.losscompare.core.text.Durations;
import dev.losscompare.harness.UsageException;
import dev.losscompare.harness.adapter.OwnTrainer;
import dev.losscompare.harness.adapter.TrainerAdapter;
import dev.losscompare.harness.adapter.TrainerFile;
import dev.losscompare.harness.launch.LauncherKind;
import dev.losscompare.harness.launch.LauncherTable;
import dev.losscompare.harness.launch.SlurmSettings;
import dev.losscompare.harness.noise.Perturbation;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;

/**
 * Reads a sign-off suite (configs/signoff.toml, format in docs/architecture.md): {@code [[case]]}
 * tables (name, config, options, atol, rtol), an optional {@code [gate]} table (steps, seed,
 * threads, train_options, atol, rtol), an optional {@code [trainer]} table (see TrainerFile), an
 * optional {@code [launcher]} table (type, shared_dir and the Slurm job's settings), an optional
 * {@code [perf]} table (max_slowdown, max_memory_growth, rounds) and
 * optional top-level {@code inputs}. Strict: an unknown
 * key, a value of the wrong type, an unsafe or duplicate name is a one-line error naming the key
 * and what it takes — a typo must never silently change what runs.
 */
public final class SuiteFile {
    private static final Set<String> TOP_KEYS = new TreeSet<>(List.of("case", "gate", "inputs", "launcher", "trainer", "noise", "perturbation",
            "perf", "steps", "environment"));
    private static final Set<String> PERF_KEYS = new TreeSet<>(List.of("max_slowdown", "max_memory_growth", "rounds"));
    private static final Set<String> PERTURBATION_KEYS = new TreeSet<>(List.of("name", "options", "env"));
    private static final Set<String> CASE_KEYS = new TreeSet<>(List.of("name", "config", "options", "atol", "rtol", "ngpus",
            "baseline_ngpus", "test_ngpus", "baseline_options", "test_options", "resume_at"));
    private static final Set<String> LAUNCHER_KEYS = new TreeSet<>(List.of("type", "shared_dir", "partition", "account", "time_limit",
            "nodes", "tasks_per_node", "gpus_per_node", "sbatch_args", "builds"));
    private static final Set<String> GATE_KEYS = new TreeSet<>(List.of("steps", "seed", "threads", "train_options", "atol", "rtol"));

    private final Path file;
    /** "--suite: FILE" (the command line), "setSuite: FILE" (the API): how messages name the file. */
    private final String named;

    private SuiteFile(Path file, SettingWords words) {
        this.file = file;
        this.named = words.name(Setting.SUITE) + ": " + file;
    }

    public static List<SuiteCase> read(Path file) {
        return readSuite(file).cases();
    }

    public static Suite readSuite(Path file) {
        return readSuite(file, Wording.COMMAND_LINE);
    }

    /** The suite in {@code file}; a message names the file's setting in {@code words}. */
    public static Suite readSuite(Path file, SettingWords words) {
        String option = words.name(Setting.SUITE);
        if (!Files.isRegularFile(file)) throw new UsageException(UsageException.Reason.FILE, Setting.SUITE, option + ": no such file: " + file);
        JsonNode root;
        try {
            root = new TomlMapper().readTree(file.toFile());
        } catch (IOException e) {
            throw new UsageException(UsageException.Reason.FILE, Setting.SUITE, option + ": " + file + " is not valid TOML: " + firstLine(e.getMessage()));
        }
        return new SuiteFile(file, words).parse(root);
    }

    private Suite parse(JsonNode root) {
        checkKeys(root, TOP_KEYS, "the top level");
        JsonNode cases = root.path("case");
        if (!cases.isArray() || cases.isEmpty()) throw error("lists no [[case]] tables");
        List<SuiteCase> out = new ArrayList<>();
        Set<String> names = new LinkedHashSet<>();
        for (JsonNode c : cases) {
            if (!c.isObject()) throw error("'case' must be [[case]] tables");
            String name = text(c, "name", "[[case]]", null);
            if (name == null || !name.matches("[A-Za-z0-9_-][A-Za-z0-9._-]*") || name.matches("\\.+")) {
                throw error("every case needs name = \"...\" of letters, digits, '.', '_' or '-', not starting with '.' (got "
                        + (name == null ? "none" : "'" + name + "'") + ")");
            }
            String where = "case " + name;
            checkKeys(c, CASE_KEYS, where);
            if (!names.add(name)) throw error(where + " is listed twice");
            String config = text(c, "config", where, null);
            if (config == null) throw error(where + " needs config = \"PATH\"");
            Integer ngpus = ranks(c, "ngpus", where, null);
            SuiteCase.Sides sides = new SuiteCase.Sides(ranks(c, "baseline_ngpus", where, ngpus), ranks(c, "test_ngpus", where, ngpus),
                    strings(c, "baseline_options", where), strings(c, "test_options", where));
            out.add(new SuiteCase(name, config, strings(c, "options", where), tolerance(c, "atol", where), tolerance(c, "rtol", where),
                    sides, resumeAt(c, where)));
        }
        TrainerAdapter trainer = root.has("trainer") ? TrainerFile.parse(root.get("trainer"), named) : OwnTrainer.INSTANCE;
        // read in the file's order, so that of two faults the same one is named first
        GateSettings gate = gate(root.path("gate"));
        List<String> inputs = strings(root, "inputs", "the top level");
        String noise = text(root, "noise", "the top level", null);
        List<Perturbation.OptionSet> perturbations = perturbations(root.path("perturbation"));
        PerfTable perf = perf(root.path("perf"));
        Integer steps = root.has("steps") ? positive(root, "steps", "the top level", 1) : null;
        var environments = dev.losscompare.harness.environment.EnvironmentTables.parse(root, named, file.toAbsolutePath().getParent());
        LauncherTable launcher = launcher(root.get("launcher"));
        return new Suite(out, gate, new Suite.Runs(trainer, inputs, environments, launcher),
                new Suite.Judged(noise, perf, steps, perturbations));
    }

    /** [launcher]: type = "slurm" (the default) or "local", shared_dir (relative to the suite file) and the job's settings. */
    private LauncherTable launcher(JsonNode t) {
        if (t == null) return null;
        if (!t.isObject()) throw error("'launcher' must be a [launcher] table");
        String where = named + ": [launcher]";
        for (var it = t.fieldNames(); it.hasNext(); ) {
            String k = it.next();
            if (!LAUNCHER_KEYS.contains(k)) throw new UsageException(UsageException.Reason.FILE, Setting.SUITE, where + ": unknown key '" + k + "' (keys: " + String.join(", ", LAUNCHER_KEYS) + ")");
        }
        LauncherKind kind;
        String type = t.path("type").asText("slurm");
        try {
            kind = LauncherKind.valueOf(type);
        } catch (IllegalArgumentException e) {
            throw error("[launcher] type must be \"local\" or \"slurm\", got \"" + type + "\"");
        }
        Path shared = t.has("shared_dir") ? file.getParent().resolve(launcherString(t, "shared_dir", where)) : null;
        List<String> extra = new ArrayList<>();
        if (t.has("sbatch_args")) {
            JsonNode a = t.get("sbatch_args");
            if (!a.isArray()) throw new UsageException(UsageException.Reason.FILE, Setting.SUITE, where + ": 'sbatch_args' must be a list of strings");
            for (JsonNode s : a) {
                if (!s.isTextual()) throw new UsageException(UsageException.Reason.FILE, Setting.SUITE, where + ": 'sbatch_args' must be a list of strings");
                extra.add(s.asText());
            }
        }
        Duration limit = null;
        if (t.has("time_limit")) {
            try {
                limit = Durations.parse(launcherString(t, "time_limit", where));
            } catch (IllegalArgumentException e) {
                throw new UsageException(UsageException.Reason.FILE, Setting.SUITE, where + ": 'time_limit': " + e.getMessage());
            }
        }
        boolean builds = false;
        if (t.has("builds")) {
            if (!t.get("builds").isBoolean()) throw new UsageException(UsageException.Reason.FILE, Setting.SUITE, where + ": 'builds' must be true or false");
            builds = t.get("builds").asBoolean();
        }
        return new LauncherTable(where, kind, new SlurmSettings(shared, optString(t, "partition", where), optString(t, "account", where),
                limit, count(t, "nodes", where), count(t, "tasks_per_node", where), count(t, "gpus_per_node", where), extra, builds));
    }

    private static String launcherString(JsonNode t, String key, String where) {
        if (!t.get(key).isTextual()) throw new UsageException(UsageException.Reason.FILE, Setting.SUITE, where + ": '" + key + "' must be a string");
        return t.get(key).asText();
    }

    private static String optString(JsonNode t, String key, String where) {
        return t.has(key) ? launcherString(t, key, where) : null;
    }

    private static Integer count(JsonNode t, String key, String where) {
        if (!t.has(key)) return null;
        JsonNode v = t.get(key);
        if (!v.isIntegralNumber() || v.asLong() < 1) throw new UsageException(UsageException.Reason.FILE, Setting.SUITE, where + ": '" + key + "' must be a whole number >= 1");
        return v.asInt();
    }

    /** [perf]: max_slowdown = "10%" (or 10), max_memory_growth = "20%", rounds = 3. */
    private PerfTable perf(JsonNode p) {
        if (p.isMissingNode()) return PerfTable.NONE;
        if (!p.isObject()) throw error("'perf' must be a [perf] table");
        checkKeys(p, PERF_KEYS, "[perf]");
        Integer rounds = null;
        if (p.has("rounds")) {
            JsonNode r = p.get("rounds");
            if (!r.isIntegralNumber() || r.asLong() < 2 || r.asLong() > 1000) {
                throw error("[perf]: rounds must be a whole number >= 2 (the noise needs two rounds per side), got " + shown(r));
            }
            rounds = r.asInt();
        }
        try {
            return new PerfTable(new PerfThresholds(percent(p, "max_slowdown"), percent(p, "max_memory_growth")), rounds);
        } catch (IllegalArgumentException e) {
            throw error("[perf]: " + e.getMessage());
        }
    }

    private Double percent(JsonNode p, String key) {
        if (!p.has(key)) return null;
        JsonNode v = p.get(key);
        if (!v.isTextual() && !v.isNumber()) throw error("[perf]: " + key + " must be a percentage such as \"10%\", got " + shown(v));
        return PerfThresholds.parsePercent(key, v.asText());
    }

    /** [[perturbation]] tables: name, options (a list of strings), env (a table of strings). */
    private List<Perturbation.OptionSet> perturbations(JsonNode list) {
        if (list.isMissingNode()) return List.of();
        if (!list.isArray()) throw error("'perturbation' must be [[perturbation]] tables");
        List<Perturbation.OptionSet> out = new ArrayList<>();
        for (JsonNode p : list) {
            if (!p.isObject()) throw error("'perturbation' must be [[perturbation]] tables");
            String name = text(p, "name", "[[perturbation]]", null);
            if (name == null || name.isBlank()) throw error("every [[perturbation]] needs name = \"...\"");
            String where = "perturbation " + name;
            checkKeys(p, PERTURBATION_KEYS, where);
            java.util.Map<String, String> env = new java.util.TreeMap<>();
            JsonNode e = p.path("env");
            if (!e.isMissingNode()) {
                if (!e.isObject()) throw error(where + ": env must be a table of strings, e.g. env = { OMP_NUM_THREADS = \"2\" }");
                e.fields().forEachRemaining(f -> {
                    if (!f.getValue().isTextual()) throw error(where + ": env." + f.getKey() + " must be a string, got " + shown(f.getValue()));
                    env.put(f.getKey(), f.getValue().asText());
                });
            }
            out.add(new Perturbation.OptionSet(name, strings(p, "options", where), env));
        }
        return out;
    }

    private GateSettings gate(JsonNode g) {
        GateSettings d = GateSettings.DEFAULT;
        if (g.isMissingNode()) return d;
        if (!g.isObject()) throw error("'gate' must be a [gate] table");
        checkKeys(g, GATE_KEYS, "[gate]");
        List<String> options = strings(g, "train_options", "[gate]");
        Double atol = tolerance(g, "atol", "[gate]");
        Double rtol = tolerance(g, "rtol", "[gate]");
        return new GateSettings(positive(g, "steps", "[gate]", d.steps()), (long) integer(g, "seed", "[gate]", d.seed()),
                positive(g, "threads", "[gate]", d.threads()),
                g.has("train_options") ? options : d.trainOptions(), atol != null ? atol : d.atol(), rtol != null ? rtol : d.rtol());
    }

    private void checkKeys(JsonNode node, Set<String> valid, String where) {
        node.fieldNames().forEachRemaining(key -> {
            if (!valid.contains(key)) throw error(where + ": unknown key '" + key + "' (valid: " + String.join(", ", valid) + ")");
        });
    }

    private String text(JsonNode node, String key, String where, String fallback) {
        if (!node.has(key)) return fallback;
        if (!node.get(key).isTextual()) throw error(where + ": " + key + " must be a string, got " + shown(node.get(key)));
        return node.get(key).asText();
    }

    /** A list of strings; a bare string (options = "--x") is an error, not one option or none. */
    private List<String> strings(JsonNode node, String key, String where) {
        if (!node.has(key)) return List.of();
        JsonNode v = node.get(key);
        if (!v.isArray()) throw error(where + ": " + key + " must be a list of strings, e.g. " + key + " = [\"...\"], got " + shown(v));
        List<String> out = new ArrayList<>();
        for (JsonNode o : v) {
            if (!o.isTextual()) throw error(where + ": every entry of " + key + " must be a string, got " + shown(o));
            out.add(o.asText());
        }
        return out;
    }

    /** resume_at = K: the step whose checkpoint the case's resume check resumes from. */
    private Integer resumeAt(JsonNode node, String where) {
        if (!node.has("resume_at")) return null;
        JsonNode v = node.get("resume_at");
        if (!v.isIntegralNumber() || v.asLong() < 1 || v.asLong() > Integer.MAX_VALUE) {
            throw error(where + ": resume_at must be a whole number of steps >= 1, got " + shown(v));
        }
        return v.asInt();
    }

    private Integer ranks(JsonNode node, String key, String where, Integer fallback) {
        if (!node.has(key)) return fallback;
        JsonNode v = node.get(key);
        if (!v.isIntegralNumber() || v.asLong() < 1 || v.asLong() > 1024) {
            throw error(where + ": " + key + " must be a whole number of ranks >= 1, got " + shown(v));
        }
        return v.asInt();
    }

    private long integer(JsonNode node, String key, String where, long fallback) {
        if (!node.has(key)) return fallback;
        JsonNode v = node.get(key);
        if (!v.isIntegralNumber() || !v.canConvertToLong()) throw error(where + ": " + key + " must be a whole number, got " + shown(v));
        return v.asLong();
    }

    private int positive(JsonNode node, String key, String where, int fallback) {
        long v = integer(node, key, where, fallback);
        if (v < 1 || v > Integer.MAX_VALUE) throw error(where + ": " + key + " must be at least 1, got " + v);
        return (int) v;
    }

    private Double tolerance(JsonNode node, String key, String where) {
        if (!node.has(key)) return null;
        JsonNode v = node.get(key);
        if (!v.isNumber() || !(v.asDouble() >= 0) || Double.isInfinite(v.asDouble())) {
            throw error(where + ": " + key + " must be a number >= 0, got " + shown(v));
        }
        return v.asDouble();
    }

    private UsageException error(String what) {
        return new UsageException(UsageException.Reason.FILE, Setting.SUITE, named + ": " + what);
    }

    private static String shown(JsonNode v) {
        return (v.isTextual() ? "the string " : v.isArray() ? "a list " : v.isObject() ? "a table " : "") + v;
    }

    /** The cases named in {@code --cases=a,b}, in suite order; an unknown name lists the valid ones. */
    public static List<SuiteCase> select(List<SuiteCase> all, String csv, SettingWords words) {
        if (csv == null) return all;
        List<String> wanted = new ArrayList<>();
        for (String n : csv.split(",")) if (!n.isBlank()) wanted.add(n.strip());
        List<String> valid = all.stream().map(SuiteCase::name).toList();
        for (String n : wanted) {
            if (!valid.contains(n)) {
                throw new UsageException(UsageException.Reason.FILE, Setting.CASES, words.name(Setting.CASES) + ": no case '" + n + "' in the suite (valid: "
                        + String.join(", ", valid) + ")");
            }
        }
        if (wanted.isEmpty()) throw new UsageException(UsageException.Reason.FILE, Setting.CASES, words.name(Setting.CASES) + ": name at least one case");
        return all.stream().filter(c -> wanted.contains(c.name())).toList();
    }

    private static String firstLine(String s) {
        return s == null ? "parse error" : s.lines().findFirst().orElse("parse error");
    }
}
