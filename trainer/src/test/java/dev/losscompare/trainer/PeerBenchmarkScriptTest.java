package dev.losscompare.trainer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeFalse;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.losscompare.trainer.RunTrainScriptTest.Result;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** trainer/peer_benchmark.sh compares against an optimized BLAS only, and says which one the peer ran on. */
class PeerBenchmarkScriptTest {
    static final String SCRIPT = "trainer/peer_benchmark.sh";
    /**
     * A directory with Netlib's reference libblas.so.3: Debian's libblas3 installs it here (its
     * alternative ranks below OpenBLAS's, so installing it changes no default).
     * LOSS_COMPARE_TEST_REFERENCE_BLAS names another one (e.g. where the libblas3 package was unpacked).
     */
    static final Path REFERENCE_BLAS = Path.of(System.getenv().getOrDefault("LOSS_COMPARE_TEST_REFERENCE_BLAS",
            "/usr/lib/x86_64-linux-gnu/blas"));

    @Test
    void refusesAPeerOnTheReferenceBlasInOneLineNamingTheLibrary() throws Exception {
        PythonTorch.assumeInstalled();
        Path library = REFERENCE_BLAS.resolve("libblas.so.3");
        assumeTrue(Files.exists(library), "no reference BLAS at " + library
                + ": install Debian's libblas3, or set LOSS_COMPARE_TEST_REFERENCE_BLAS to a directory holding one");
        // The dynamic linker takes libblas.so.3 from LD_LIBRARY_PATH first: the peer's torch then
        // calls the reference BLAS while OpenBLAS stays mapped (through liblapack.so.3).
        Result r = RunTrainScriptTest.runScript(SCRIPT, Map.of("LD_LIBRARY_PATH", REFERENCE_BLAS.toString()),
                TinyRuns.PROJECT, "--rounds=1");
        assertEquals(2, r.exit(), r.stdout() + r.stderr());
        assertEquals(1, r.stderr().size(), r.stderr().toString());
        assertTrue(r.stderr().get(0).startsWith("error: the peer's torch calls the reference BLAS ("
                + library.toRealPath() + ": not OpenBLAS, BLIS or MKL;"), r.stderr().get(0));
        assertEquals("", r.stdout(), "nothing is measured");
    }

    @Test
    void namesTheOptimizedBlasThePeerRanOn() throws Exception {
        PythonTorch.assumeInstalled();
        Result r = RunTrainScriptTest.runScript(SCRIPT, Map.of(), TinyRuns.PROJECT, "--rounds=1", "--threads=1",
                "--steps=4", "--peer-steps=4", "--training.seq_len=32", "--training.local_batch_size=1");
        assumeFalse(r.exit() == 2 && r.stderr().toString().contains("reference BLAS"),
                "this machine's torch runs on a reference BLAS: " + r.stderr());
        assertEquals(0, r.exit(), r.stdout() + r.stderr());
        String peer = r.stdout().lines().filter(l -> l.startsWith("peer ")).findFirst().orElseThrow();
        assertTrue(peer.matches("peer \\(eager PyTorch [^,]+, (OpenBLAS|BLIS|MKL)[^)]* in /[^)]+\\): [0-9,]+ \\(min .*"), peer);
        assertTrue(r.stdout().contains("same model: step 1 loss agrees within "), r.stdout());
    }
}
