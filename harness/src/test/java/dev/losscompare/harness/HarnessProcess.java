package dev.losscompare.harness;

import java.io.File;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Starts the harness in its own JVM (for cross-process locking and Ctrl-C tests), with SIGINT's
 * default action restored: a test run started in the background of a non-interactive shell
 * inherits SIGINT ignored, and a JVM that starts with it ignored installs no handler, so Ctrl-C
 * would never reach the shutdown hook under test.
 */
final class HarnessProcess {
    private HarnessProcess() {}

    static Process start(FixtureRepo repo, Path log, String... args) throws Exception {
        List<String> cmd = new ArrayList<>(List.of("env", "--default-signal=INT"));
        cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        cmd.add("-cp");
        cmd.add(System.getProperty("java.class.path"));
        cmd.add(Main.class.getName());
        cmd.addAll(List.of(args));
        ProcessBuilder pb = new ProcessBuilder(cmd).directory(repo.dir.toFile()).redirectErrorStream(true)
                .redirectOutput(log.toFile()).redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")));
        pb.environment().put("LOSS_COMPARE_CACHE", repo.cache.toString());
        return pb.start();
    }
}
