package dev.losscompare.harness.environment;

import dev.losscompare.harness.Console;
import dev.losscompare.harness.UsageException;
import dev.losscompare.harness.run.ChildProcess;
import dev.losscompare.harness.run.OnPath;
import dev.losscompare.harness.run.RunOutcome;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Checks an environment before anything is materialized, built or trained, each fault one line
 * (exit 2): its command prefix must run (started once, through the prefix, with the environment's
 * variables: a Python trainer's interpreter prints its facts, any other prefix runs {@code true}),
 * and a libtorch version must be one Maven can fetch.
 */
public final class EnvironmentCheck {
    private static final Duration PROBE_TIMEOUT = Duration.ofMinutes(2);
    private static final Duration FETCH_TIMEOUT = Duration.ofMinutes(5);

    private EnvironmentCheck() {}

    /**
     * Starts the prefix once; returns what a Python trainer's interpreter reported (empty for
     * another trainer). {@code python}: the trainer command's interpreter, or null.
     */
    public static Map<String, String> probe(Environment env, String python, Console console, Path workDir, String option)
            throws IOException {
        List<String> command = python != null ? env.prefixed(List.of(python, "-c", factsScript()))
                : env.commandPrefix().isEmpty() ? List.of() : env.prefixed(List.of("true"));
        if (command.isEmpty()) return Map.of();
        String first = command.get(0);
        if (first.contains("/") && !Files.isExecutable(workDir.resolve(first))) {
            throw new UsageException(UsageException.Reason.MACHINE, option + "=" + env.name() + ": command_prefix runs " + first + ", which does not exist or is not executable");
        }
        if (!first.contains("/") && OnPath.find(first, merged(console, env)) == null) {
            throw new UsageException(UsageException.Reason.MACHINE, option + "=" + env.name() + ": command_prefix starts with '" + first + "', which is not on PATH"
                    + " (give its path, or install it)");
        }
        Path log = Files.createTempFile("loss_compare-env-", ".log");
        try {
            RunOutcome out = ChildProcess.run(command, workDir, log, PROBE_TIMEOUT, merged(console, env));
            if (!out.ok()) {
                throw new UsageException(UsageException.Reason.MACHINE, option + "=" + env.name() + ": the command prefix " + env.commandPrefix() + " does not run: with it, "
                        + (python != null ? python + " -c <a facts script>" : "true") + " exited " + out.exitCode()
                        + (out.lastLine() == null || out.lastLine().isBlank() ? "" : " (" + out.lastLine().strip() + ")"));
            }
            if (python == null) return Map.of();
            Map<String, String> facts = new TreeMap<>();
            for (String line : Files.readAllLines(log)) {
                int eq = line.indexOf('=');
                if (eq > 0 && line.substring(0, eq).matches("[a-z_]+")) facts.put(line.substring(0, eq), line.substring(eq + 1));
            }
            return facts;
        } finally {
            Files.deleteIfExists(log);
        }
    }

    /**
     * The libtorch version (bytedeco pytorch-platform) must be in the local Maven repository or
     * fetchable: else its build would fail later, after other sides built.
     */
    public static void checkLibtorch(Environment env, Console console, String option) throws IOException {
        String version = env.libtorch();
        if (version == null) return;
        String artifact = "org.bytedeco:pytorch-platform:" + version;
        Path local = localRepository(console).resolve("org/bytedeco/pytorch-platform").resolve(version)
                .resolve("pytorch-platform-" + version + ".pom");
        if (Files.isRegularFile(local)) return;
        if (OnPath.find("mvn", console.env()) == null) return;   // the trainer's own check says Maven is missing
        Path log = Files.createTempFile("loss_compare-libtorch-", ".log");
        try {
            RunOutcome out = ChildProcess.run(List.of("mvn", "-B", "-q", "dependency:get", "-Dartifact=" + artifact + ":pom",
                    "-Dtransitive=false"), console.cwd(), log, FETCH_TIMEOUT, Map.of());
            if (!out.ok()) {
                throw new UsageException(UsageException.Reason.MACHINE, option + "=" + env.name() + ": libtorch " + version + " (" + artifact
                        + ") cannot be fetched by Maven: use a version Maven Central serves, e.g. 2.10.0-1.5.13 or 2.7.1-1.5.12");
            }
        } finally {
            Files.deleteIfExists(log);
        }
    }

    private static Path localRepository(Console console) {
        String home = console.env().getOrDefault("HOME", System.getProperty("user.home"));
        return Path.of(home, ".m2", "repository");
    }

    private static Map<String, String> merged(Console console, Environment env) {
        Map<String, String> all = new LinkedHashMap<>(console.env());
        all.putAll(env.env());
        return all;
    }

    private static String factsScript() {
        try (InputStream in = EnvironmentCheck.class.getResourceAsStream("python_facts.py")) {
            if (in == null) throw new IllegalStateException("python_facts.py is missing from the harness jar");
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
