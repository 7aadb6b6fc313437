package dev.losscompare.harness;

import java.io.PrintStream;
import java.nio.file.Path;
import java.util.Map;

/**
 * The process surroundings a command reads: working directory, environment, and the two
 * streams. Passed in rather than read globally so tests can run commands in-process.
 */
public record Console(Path cwd, Map<String, String> env, PrintStream out, PrintStream err, boolean terminal) {
    public static Console system() {
        return new Console(Path.of("").toAbsolutePath(), System.getenv(), System.out, System.err,
                System.console() != null);
    }
}
