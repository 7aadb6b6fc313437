package dev.losscompare.trainer;

import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;

/**
 * Whether a Slurm cluster answers here (sinfo within 20 s). Without one a test skips and says
 * why; with CI=true (.ci/run starts a one-node Slurm) it fails instead, so CI never skips.
 */
final class SlurmCluster {
    private SlurmCluster() {}

    static void require() {
        String why = unreachable();
        if (why == null) return;
        if ("true".equals(System.getenv("CI"))) fail("CI=true but Slurm is unreachable: " + why + " (.ci/run starts one with .ci/slurm.sh)");
        Assumptions.abort("no Slurm here: " + why + " (start one with `.ci/slurm.sh start DIR` as root and export SLURM_CONF=DIR/slurm.conf)");
    }

    private static String unreachable() {
        try {
            Process p = new ProcessBuilder(List.of("sinfo", "-h", "-o", "%t")).redirectErrorStream(true).start();
            p.getOutputStream().close();
            if (!p.waitFor(20, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                return "sinfo did not answer within 20 s";
            }
            String out = new String(p.getInputStream().readAllBytes()).trim();
            return p.exitValue() == 0 && !out.isEmpty() ? null : "sinfo exited " + p.exitValue() + ": " + out;
        } catch (IOException e) {
            return "sinfo cannot run (" + e.getMessage() + ")";
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return "interrupted";
        }
    }
}
