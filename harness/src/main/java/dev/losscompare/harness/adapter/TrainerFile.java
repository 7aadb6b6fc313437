package dev.losscompare.harness.adapter;

import dev.losscompare.core.text.SettingWords;
import dev.losscompare.core.text.Setting;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.dataformat.toml.TomlMapper;
import dev.losscompare.harness.UsageException;
import dev.losscompare.core.sources.PatternLogSource;
import dev.losscompare.core.sources.SeriesFormat;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;

/**
 * Reads a {@code [trainer]} table (in a suite file, or alone in a --trainer=FILE): preset
 * {@code loss_compare} (the default), {@code torchtitan} or {@code command}, and for torchtitan or
 * command the keys below (a torchtitan table may override any of them). Strict like the suite:
 * an unknown key or a wrong type is one line naming it.
 */
public final class TrainerFile {
    private static final Set<String> KEYS = new TreeSet<>(List.of("preset", "command", "workdir", "env", "args", "build",
            "create_seed", "create_seed_env", "load_seed", "save_checkpoint", "resume_checkpoint", "checkpoint_load_seed", "seed_name", "metrics", "line_pattern", "step_offset", "tags",
            "log_rank", "ngpus", "from_working_tree", "seed", "trace"));
    /** The keys whose strings are templates, and the placeholders a template may name (CommandTrainer, CheckpointTemplates, torchtitan's {module}). */
    private static final List<String> TEMPLATES = List.of("command", "env", "args", "build", "create_seed", "create_seed_env", "load_seed",
            "save_checkpoint", "resume_checkpoint", "checkpoint_load_seed");
    static final Set<String> PLACEHOLDERS = new TreeSet<>(List.of("config", "steps", "seed", "threads", "ngpus", "metrics", "tb",
            "run_dir", "seed_checkpoint", "module", "checkpoint_folder", "checkpoint_interval", "resume_step"));
    private static final Pattern PLACEHOLDER = Pattern.compile("\\{([A-Za-z_][A-Za-z0-9_]*)}");
    private static final Set<String> METRICS = new TreeSet<>(List.of("jsonl", "log", "tensorboard"));

    private final String where;

    private TrainerFile(String where) {
        this.where = where;
    }

    /** The adapter a --trainer=FILE describes (its [trainer] table); messages name the setting in {@code words}. */
    public static TrainerAdapter read(Path file, SettingWords words) {
        JsonNode root = root(file, words);
        String named = words.name(Setting.TRAINER) + ": " + file;
        if (!root.has("trainer")) throw new UsageException(UsageException.Reason.FILE, named + " has no [trainer] table");
        return parse(root.get("trainer"), named);
    }

    /** The [environment.NAME] tables of a --trainer=FILE (docs/environments.md). */
    public static Map<String, dev.losscompare.harness.environment.Environment> environments(Path file, SettingWords words) {
        return dev.losscompare.harness.environment.EnvironmentTables.parse(root(file, words), words.name(Setting.TRAINER) + ": " + file,
                file.toAbsolutePath().getParent());
    }

    private static JsonNode root(Path file, SettingWords words) {
        String option = words.name(Setting.TRAINER);
        if (!Files.isRegularFile(file)) throw new UsageException(UsageException.Reason.FILE, Setting.TRAINER, option + ": no such file: " + file);
        try {
            return new TomlMapper().readTree(file.toFile());
        } catch (IOException e) {
            throw new UsageException(UsageException.Reason.FILE, Setting.TRAINER, option + ": " + file + " is not valid TOML: "
                    + e.getMessage().lines().findFirst().orElse(""));
        }
    }

    /** The adapter of a [trainer] table; {@code where} prefixes error lines. */
    public static TrainerAdapter parse(JsonNode table, String where) {
        return new TrainerFile(where).adapter(table);
    }

    private TrainerAdapter adapter(JsonNode t) {
        if (!t.isObject()) throw error("[trainer] must be a table");
        t.fieldNames().forEachRemaining(k -> {
            if (!KEYS.contains(k)) throw error("[trainer]: unknown key '" + k + "' (valid: " + String.join(", ", KEYS) + ")");
        });
        for (String key : TEMPLATES) checkPlaceholders(key, t.path(key));
        String preset = text(t, "preset", "loss_compare");
        int ngpus = (int) integer(t, "ngpus", 1, 1);
        TrainerSpec base = switch (preset) {
            case "loss_compare" -> {
                if (t.size() > 1) throw error("[trainer]: preset loss_compare takes no other keys (it is this repository's trainer)");
                yield null;
            }
            case "torchtitan" -> TorchtitanTrainer.configFileLayout(ngpus);
            case "command" -> {
                if (!t.has("command")) throw error("[trainer]: preset command needs command = [\"...\"]");
                if (!t.has("metrics")) throw error("[trainer]: preset command needs metrics = \"jsonl\", \"log\" or \"tensorboard\"");
                yield new TrainerSpec("command", List.of("true"), ".", Map.of(), List.of(), List.of(), List.of(), Map.of(),
                        List.of(), "seed_checkpoint", SeriesFormat.JSONL, null, 0, Map.of(), null, ngpus);
            }
            default -> throw error("[trainer]: preset must be loss_compare, torchtitan or command, got '" + preset + "'");
        };
        if (base == null) return OwnTrainer.INSTANCE;
        if (preset.equals("torchtitan")) {
            return new TorchtitanTrainer(spec(t, preset, base, ngpus), spec(t, preset, TorchtitanTrainer.registryLayout(ngpus), ngpus));
        }
        return new CommandTrainer(spec(t, preset, base, ngpus), checkpoints(t, CheckpointTemplates.NONE));
    }

    /** {@code base} with every key the table gives in its place. */
    /** save_checkpoint / resume_checkpoint / checkpoint_load_seed: what the resume check passes (both or neither). */
    private CheckpointTemplates checkpoints(JsonNode t, CheckpointTemplates preset) {
        CheckpointTemplates checkpoints = new CheckpointTemplates(
                t.has("save_checkpoint") ? strings(t, "save_checkpoint") : preset.save(),
                t.has("resume_checkpoint") ? strings(t, "resume_checkpoint") : preset.resume(),
                t.has("checkpoint_load_seed") ? strings(t, "checkpoint_load_seed") : preset.loadSeed());
        if (checkpoints.supported() != !checkpoints.resume().isEmpty()) {
            throw error("[trainer]: save_checkpoint and resume_checkpoint go together (the resume check needs both)");
        }
        return checkpoints;
    }

    private TrainerSpec spec(JsonNode t, String preset, TrainerSpec base, int ngpus) {
        SeriesFormat metrics = t.has("metrics") ? metrics(text(t, "metrics", null)) : base.metrics();
        String pattern = t.has("line_pattern") ? pattern(text(t, "line_pattern", null)) : base.linePattern();
        if (metrics == SeriesFormat.TORCHTITAN_LOG && pattern == null && "command".equals(preset)) {
            throw error("[trainer]: metrics = \"log\" needs line_pattern, a regex with named groups step and loss");
        }
        List<String> command = t.has("command") ? strings(t, "command") : base.command();
        if (command.isEmpty()) throw error("[trainer]: command must name a program");
        return new TrainerSpec(preset, command, text(t, "workdir", base.workdir()),
                t.has("env") ? table(t, "env") : base.env(), t.has("args") ? strings(t, "args") : base.args(),
                t.has("build") ? strings(t, "build") : base.build(),
                t.has("create_seed") ? strings(t, "create_seed") : base.createSeed(),
                t.has("create_seed_env") ? table(t, "create_seed_env") : base.createSeedEnv(),
                t.has("load_seed") ? strings(t, "load_seed") : base.loadSeed(), text(t, "seed_name", base.seedName()),
                metrics, pattern, (int) integer(t, "step_offset", base.stepOffset(), Integer.MIN_VALUE),
                t.has("tags") ? table(t, "tags") : base.tags(),
                t.has("log_rank") ? (Integer) (int) integer(t, "log_rank", 0, 0) : base.logRank(), ngpus,
                t.has("from_working_tree") ? strings(t, "from_working_tree") : base.fromWorkingTree(),
                seedCheckpoint(t, base.seedCheckpoint()), trace(t, preset, command));
    }

    /** trace = "pytorch" | "none"; without it, the preset's default (TrainerSpec.defaultTrace). */
    private String trace(JsonNode t, String preset, List<String> command) {
        String trace = text(t, "trace", null);
        if (trace == null) return TrainerSpec.defaultTrace(preset, command);
        if (!trace.equals(TrainerSpec.TRACE_PYTORCH) && !trace.equals(TrainerSpec.TRACE_NONE)) {
            throw error("[trainer]: trace must be \"pytorch\" (re-run a failing case with the PyTorch tracer) or \"none\", got '"
                    + trace + "'");
        }
        return trace;
    }

    /** A {name} no run fills would reach the trainer as literal text: refused, naming the known ones. */
    private void checkPlaceholders(String key, JsonNode value) {
        List<JsonNode> texts = new java.util.ArrayList<>();
        value.elements().forEachRemaining(texts::add);   // a list's items, a table's values
        for (JsonNode v : texts) {
            if (!v.isTextual()) continue;   // the type checks below name it
            Matcher m = PLACEHOLDER.matcher(v.asText());
            while (m.find()) {
                if (!PLACEHOLDERS.contains(m.group(1))) {
                    throw error("[trainer]: " + key + ": unknown placeholder {" + m.group(1) + "} in '" + v.asText() + "' (known: "
                            + PLACEHOLDERS.stream().map(n -> "{" + n + "}").collect(java.util.stream.Collectors.joining(" ")) + ")");
                }
            }
        }
    }

    /** seed = "checkpoint" (the default: one process writes the initial weights, every run loads them) or "none". */
    private boolean seedCheckpoint(JsonNode t, boolean fallback) {
        String seed = text(t, "seed", null);
        if (seed == null) return fallback;
        return switch (seed) {
            case "checkpoint" -> true;
            case "none" -> false;
            default -> throw error("[trainer]: seed must be \"checkpoint\" (a seed checkpoint written once, loaded by every run) or"
                    + " \"none\" (each run initializes itself from the seed), got '" + seed + "'");
        };
    }

    private SeriesFormat metrics(String name) {
        if (!METRICS.contains(name)) throw error("[trainer]: metrics must be one of " + String.join(", ", METRICS) + ", got '" + name + "'");
        return switch (name) {
            case "jsonl" -> SeriesFormat.JSONL;
            case "tensorboard" -> SeriesFormat.TENSORBOARD;
            default -> SeriesFormat.TORCHTITAN_LOG;
        };
    }

    /** Java's group names allow no '_': (?<grad_norm>...) is accepted and read as grad_norm. */
    private String pattern(String regex) {
        String normalized = regex.replace("(?<grad_norm>", "(?<gradnorm>");
        try {
            Pattern p = Pattern.compile(normalized);
            if (!normalized.contains("(?<step>") || !PatternLogSource.metrics(p).contains("loss")) {
                throw error("[trainer]: line_pattern needs the named groups step and loss, e.g. iter (?<step>\\d+): loss (?<loss>[0-9.]+)");
            }
            return normalized;
        } catch (PatternSyntaxException e) {
            throw error("[trainer]: line_pattern is not a valid regex: " + e.getDescription());
        }
    }

    private String text(JsonNode t, String key, String fallback) {
        if (!t.has(key)) return fallback;
        if (!t.get(key).isTextual()) throw error("[trainer]: " + key + " must be a string, got " + t.get(key));
        return t.get(key).asText();
    }

    private long integer(JsonNode t, String key, long fallback, long min) {
        if (!t.has(key)) return fallback;
        JsonNode v = t.get(key);
        if (!v.isIntegralNumber() || v.asLong() < min) throw error("[trainer]: " + key + " must be a whole number >= " + min + ", got " + v);
        return v.asLong();
    }

    private List<String> strings(JsonNode t, String key) {
        JsonNode v = t.get(key);
        if (!v.isArray()) throw error("[trainer]: " + key + " must be a list of strings (an argument list, not a shell line), got " + v);
        List<String> out = new ArrayList<>();
        for (JsonNode e : v) {
            if (!e.isTextual()) throw error("[trainer]: every entry of " + key + " must be a string, got " + e);
            out.add(e.asText());
        }
        return out;
    }

    private Map<String, String> table(JsonNode t, String key) {
        JsonNode v = t.get(key);
        if (!v.isObject()) throw error("[trainer]: " + key + " must be a table of strings, e.g. " + key + " = { NAME = \"value\" }");
        Map<String, String> out = new LinkedHashMap<>();
        v.fields().forEachRemaining(e -> {
            if (!e.getValue().isTextual()) throw error("[trainer]: " + key + "." + e.getKey() + " must be a string");
            out.put(e.getKey(), e.getValue().asText());
        });
        return out;
    }

    private UsageException error(String what) {
        return new UsageException(UsageException.Reason.FILE, where + ": " + what);
    }
}
