package dev.losscompare.harness.launch;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.losscompare.harness.run.ActiveProcesses;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A Slurm launcher's Ctrl-C hook lives as long as the launcher: closing it removes the hook, so a
 * program that makes one launcher per call does not collect them. Needs no Slurm (nothing is submitted).
 */
class SlurmLauncherHookTest {
    @TempDir
    Path tmp;

    @Test
    void closingTheLauncherRemovesItsCtrlCHook() throws Exception {
        int before = ActiveProcesses.extraStops();
        SlurmSettings settings = new SlurmSettings(tmp, null, null, null, null, null, null, List.of(), false);
        PrintStream progress = new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8);
        for (int call = 1; call <= 3; call++) {
            try (SlurmLauncher launcher = new SlurmLauncher(settings, progress)) {
                assertEquals(before + 1, ActiveProcesses.extraStops(), "call " + call + ": its own hook while it runs");
                assertTrue(Files.isRegularFile(tmp.resolve("jobs/slurm-job.sh")), "the job script in the shared dir");
            }
            assertEquals(before, ActiveProcesses.extraStops(), "call " + call + ": no hook left behind");
        }
    }
}
