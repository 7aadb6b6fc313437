package dev.losscompare.trainer;

import java.io.IOException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;

/**
 * Debian's python3-torch, which the eager-PyTorch reference (trainer/reference/) runs on; .ci/run
 * installs it, so CI never skips. A test that needs it calls {@link #assumeInstalled()} in its own
 * body: an assumption that fails there marks that test skipped with the reason, where one in a
 * class-level hook aborts the class and the report counts no test at all.
 */
final class PythonTorch {
    static final String PYTHON = "/usr/bin/python3";
    private static Boolean installed;

    private PythonTorch() {}

    static void assumeInstalled() {
        Assumptions.assumeTrue(installed(),
                PYTHON + " -c \"import torch\" failed: install Debian's python3-torch (apt-get install python3-torch)");
    }

    /** Checked once per test JVM: importing torch takes seconds. */
    private static synchronized boolean installed() {
        if (installed == null) {
            try {
                Process p = new ProcessBuilder(PYTHON, "-c", "import torch").redirectErrorStream(true).start();
                p.getInputStream().readAllBytes();
                installed = p.waitFor(120, TimeUnit.SECONDS) && p.exitValue() == 0;
            } catch (IOException e) {
                installed = false;
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return false;
            }
        }
        return installed;
    }
}
