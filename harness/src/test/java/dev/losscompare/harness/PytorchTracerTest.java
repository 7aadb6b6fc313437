package dev.losscompare.harness;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** The PyTorch tracer's own tests (tracer/tests, Python's unittest) on Debian's torch, run by the build. */
class PytorchTracerTest {
    @Test
    void theTracersOwnTestsPass() throws Exception {
        assumeTrue(NanoGptStyleTrainerTest.pythonTorch(), NanoGptStyleTrainerTest.DEBIAN_PYTHON + " has no torch (CI installs Debian's python3-torch)");
        Path tracer = ProjectFiles.root().resolve("tracer");
        Process p = new ProcessBuilder(NanoGptStyleTrainerTest.DEBIAN_PYTHON.toString(), "-m", "unittest", "discover", "-s", "tests", "-v")
                .directory(tracer.toFile()).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(10, TimeUnit.MINUTES), out);
        assertEquals(0, p.exitValue(), out);
        assertTrue(out.contains("\nOK"), out);
    }
}
