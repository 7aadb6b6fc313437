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

    /** How a path appears in messages: relative to the working directory when under it. */
    public String show(Path p) {
        Path abs = p.toAbsolutePath().normalize();
        return abs.startsWith(cwd) && !abs.equals(cwd) ? cwd.relativize(abs).toString() : abs.toString();
    }
}
