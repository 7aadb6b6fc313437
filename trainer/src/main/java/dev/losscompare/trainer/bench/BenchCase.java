package dev.losscompare.trainer.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.dataformat.toml.TomlMapper;
import dev.losscompare.trainer.config.ConfigException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** One benchmark case: a config and its options, as a suite's {@code [[case]]} names them. */
record BenchCase(String name, Path config, List<String> options) {
    /**
     * The {@code [[case]]} entries of a suite file (configs/signoff.toml): {@code name},
     * {@code config} (relative to the working directory, like the harness) and {@code options}.
     * Other keys of the suite are the harness's and are ignored here.
     */
    static List<BenchCase> fromSuite(Path suite) {
        if (!Files.isRegularFile(suite)) throw new ConfigException("--suite=" + suite + ": no such file");
        JsonNode root;
        try {
            root = new TomlMapper().readTree(suite.toFile());
        } catch (IOException e) {
            throw new ConfigException("--suite=" + suite + " is not valid TOML: " + e.getMessage().lines().findFirst().orElse(""));
        }
        List<BenchCase> cases = new ArrayList<>();
        for (JsonNode c : root.path("case")) {
            if (!c.hasNonNull("name") || !c.hasNonNull("config")) {
                throw new ConfigException("--suite=" + suite + ": every [[case]] needs name and config");
            }
            List<String> options = new ArrayList<>();
            c.path("options").forEach(o -> options.add(o.asText()));
            cases.add(new BenchCase(c.get("name").asText(), Path.of(c.get("config").asText()), options));
        }
        if (cases.isEmpty()) throw new ConfigException("--suite=" + suite + " has no [[case]]");
        return cases;
    }
}
