package dev.losscompare.harness;

import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;

/**
 * The Slurm cluster the launcher's tests submit to (.ci/slurm.sh starts one; SLURM_CONF points at
 * it). Without one a test skips and says why; with CI=true it fails instead: CI never skips.
 */
final class SlurmCluster {
    private SlurmCluster() {}

    static void require() {
        Command info = Command.run("sinfo", "-h", "-o", "%t");
        if (info.exit() == 0 && !info.out().isBlank()) return;
        String why = "sinfo exited " + info.exit() + ": " + info.out().strip();
        if ("true".equals(System.getenv("CI"))) fail("CI=true but Slurm is unreachable: " + why + " (.ci/run starts one with .ci/slurm.sh)");
        Assumptions.abort("no Slurm here: " + why + " (start one with `.ci/slurm.sh start DIR` as root and export SLURM_CONF=DIR/slurm.conf)");
    }

    /** Ids of the queued or running jobs whose name contains {@code text}. */
    static List<String> jobsNamed(String text) {
        List<String> ids = new ArrayList<>();
        for (String line : Command.run("squeue", "-h", "-o", "%i %j").out().lines().toList()) {
            String[] f = line.trim().split("\\s+", 2);
            if (f.length == 2 && f[1].contains(text)) ids.add(f[0]);
        }
        return ids;
    }

    /** Which of {@code ids} squeue still lists. */
    static List<String> stillQueued(Collection<String> ids) {
        List<String> left = new ArrayList<>();
        for (String line : Command.run("squeue", "-h", "-o", "%i").out().lines().toList()) {
            if (ids.contains(line.trim())) left.add(line.trim());
        }
        return left;
    }

    record Command(int exit, String out) {
        static Command run(String... args) {
            try {
                Process p = new ProcessBuilder(args).redirectErrorStream(true).start();
                p.getOutputStream().close();
                String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
                if (!p.waitFor(30, TimeUnit.SECONDS)) p.destroyForcibly();
                return new Command(p.isAlive() ? -1 : p.exitValue(), out);
            } catch (IOException e) {
                return new Command(127, e.getMessage());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return new Command(-1, "interrupted");
            }
        }
    }
}
