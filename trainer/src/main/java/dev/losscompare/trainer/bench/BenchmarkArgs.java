package dev.losscompare.trainer.bench;

import dev.losscompare.trainer.config.ConfigException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** The benchmark's arguments: which cases, whether to profile, and the overrides for every case. */
record BenchmarkArgs(List<BenchCase> cases, boolean profile, List<String> overrides) {
    static BenchmarkArgs parse(String[] args) {
        Path config = null, suite = null;
        boolean profile = false;
        List<String> overrides = new ArrayList<>();
        for (String arg : args) {
            if (arg.startsWith("--config=")) config = Path.of(arg.substring("--config=".length()));
            else if (arg.startsWith("--suite=")) suite = Path.of(arg.substring("--suite=".length()));
            else if (arg.equals("--profile")) profile = true;
            else overrides.add(arg);
        }
        if (config != null && suite != null) throw new ConfigException("--benchmark takes --config or --suite, not both");
        List<BenchCase> cases = suite != null ? BenchCase.fromSuite(suite)
                : List.of(single(config != null ? config : Path.of("configs/llama3_debug.toml")));
        return new BenchmarkArgs(cases, profile, overrides);
    }

    /** One config, named after its file (llama3_debug). */
    private static BenchCase single(Path config) {
        String file = config.getFileName().toString();
        return new BenchCase(file.endsWith(".toml") ? file.substring(0, file.length() - 5) : file, config, List.of());
    }
}
