package dev.losscompare.harness.suite;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.dataformat.toml.TomlMapper;
import dev.losscompare.harness.UsageException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * Reads a sign-off suite (configs/signoff.toml): {@code [[case]]} tables with {@code name},
 * {@code config} and optional {@code options} (a list of trainer overrides). Unknown keys, a
 * duplicate or unsafe name, or a missing config key are errors naming the case.
 */
public final class SuiteFile {
    private static final Set<String> CASE_KEYS = Set.of("name", "config", "options");

    private SuiteFile() {}

    public static List<SuiteCase> read(Path file) {
        if (!Files.isRegularFile(file)) throw new UsageException("--suite: no such file: " + file);
        JsonNode root;
        try {
            root = new TomlMapper().readTree(file.toFile());
        } catch (IOException e) {
            throw new UsageException("--suite: " + file + " is not valid TOML: " + firstLine(e.getMessage()));
        }
        root.fieldNames().forEachRemaining(key -> {
            if (!key.equals("case")) throw new UsageException("--suite: " + file + ": unknown key '" + key + "' (expected [[case]] tables)");
        });
        JsonNode cases = root.path("case");
        if (!cases.isArray() || cases.isEmpty()) throw new UsageException("--suite: " + file + " lists no [[case]]");
        List<SuiteCase> out = new ArrayList<>();
        Set<String> names = new LinkedHashSet<>();
        for (JsonNode c : cases) {
            String name = c.path("name").asText("");
            if (!name.matches("[A-Za-z0-9._-]+")) {
                throw new UsageException("--suite: " + file + ": every case needs a name of letters, digits, '.', '_' or '-' (got '" + name + "')");
            }
            c.fieldNames().forEachRemaining(key -> {
                if (!CASE_KEYS.contains(key)) {
                    throw new UsageException("--suite: case " + name + ": unknown key '" + key + "' (valid: config, name, options)");
                }
            });
            if (!names.add(name)) throw new UsageException("--suite: case " + name + " is listed twice");
            if (!c.path("config").isTextual()) throw new UsageException("--suite: case " + name + " needs config = \"PATH\"");
            List<String> options = new ArrayList<>();
            for (JsonNode o : c.path("options")) options.add(o.asText());
            out.add(new SuiteCase(name, c.get("config").asText(), options));
        }
        return out;
    }

    /** The cases named in {@code --cases=a,b}, in suite order; an unknown name lists the valid ones. */
    public static List<SuiteCase> select(List<SuiteCase> all, String csv) {
        if (csv == null) return all;
        List<String> wanted = new ArrayList<>();
        for (String n : csv.split(",")) if (!n.isBlank()) wanted.add(n.strip());
        List<String> valid = all.stream().map(SuiteCase::name).toList();
        for (String n : wanted) {
            if (!valid.contains(n)) throw new UsageException("--cases: no case '" + n + "' in the suite (valid: " + String.join(", ", valid) + ")");
        }
        if (wanted.isEmpty()) throw new UsageException("--cases: name at least one case");
        return all.stream().filter(c -> wanted.contains(c.name())).toList();
    }

    private static String firstLine(String s) {
        return s == null ? "parse error" : s.lines().findFirst().orElse("parse error");
    }
}
