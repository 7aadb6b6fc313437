package dev.losscompare.harness.launch;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** One Slurm client command (sbatch, squeue, scontrol, scancel, sacct) from an argument list, its output captured. */
record SlurmCommand(int exit, String out) {
    private static final long LIMIT_SECONDS = 60;

    static SlurmCommand run(String... args) {
        List<String> command = new ArrayList<>(List.of(args));
        try {
            Process p = new ProcessBuilder(command).redirectErrorStream(true)
                    .redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null"))).start();
            byte[] out = p.getInputStream().readAllBytes();  // the command closes it when it exits
            if (!p.waitFor(LIMIT_SECONDS, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                return new SlurmCommand(-1, args[0] + " did not answer within " + LIMIT_SECONDS + " s");
            }
            return new SlurmCommand(p.exitValue(), new String(out, StandardCharsets.UTF_8).strip());
        } catch (IOException e) {
            return new SlurmCommand(127, "cannot run " + args[0] + ": " + e.getMessage());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return new SlurmCommand(-1, "interrupted");
        }
    }

    boolean ok() {
        return exit == 0;
    }

    /** The first line of the output, for a one-line message. */
    String firstLine() {
        return out.lines().findFirst().orElse("(no output, exit " + exit + ")");
    }
}
