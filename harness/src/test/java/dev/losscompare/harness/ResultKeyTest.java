package dev.losscompare.harness;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.losscompare.harness.cache.MachineFacts;
import dev.losscompare.harness.cache.Materialized;
import dev.losscompare.harness.cache.ResultCache;
import dev.losscompare.harness.cache.RevisionCache;
import dev.losscompare.harness.git.RevisionResolver;
import dev.losscompare.harness.run.TrainerArgs;
import dev.losscompare.harness.git.InputFingerprint;
import dev.losscompare.harness.git.WorkingTreeInputs;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A cached result is keyed by what decides its bits, and checked against this machine when restored. */
class ResultKeyTest {
    @TempDir Path tmp;

    private static TrainerArgs args(Materialized m) {
        return new TrainerArgs(m.dir(), "configs/llama3_debug.toml", 2, 0, 1, List.of());
    }

    private static Map<String, String> env(String... kv) {
        Map<String, String> env = new HashMap<>();
        env.put("PATH", System.getenv("PATH"));
        for (int i = 0; i < kv.length; i += 2) env.put(kv[i], kv[i + 1]);
        return env;
    }

    private Materialized head(FixtureRepo repo, List<String> inputs) throws Exception {
        return new RevisionCache(repo.cache, repo.git.getRepository())
                .materialize(new RevisionResolver(repo.git.getRepository()).resolve("HEAD"), inputs);
    }

    private Path series(String name, String meta) throws Exception {
        Path f = tmp.resolve(name);
        Files.writeString(f, "{\"meta\":" + meta + "}\n"
                + "{\"step\":1,\"loss\":8.0,\"grad_norm\":1.5,\"data_fingerprint\":\"fp1\"}\n"
                + "{\"step\":2,\"loss\":7.9,\"grad_norm\":1.52,\"data_fingerprint\":\"fp2\"}\n");
        return f;
    }

    @Test
    void theJdkOnPathIsInTheKey() throws Exception {
        Path fakeBin = Files.createDirectories(tmp.resolve("fake-jdk/bin"));
        Path java = fakeBin.resolve("java");
        Files.writeString(java, "#!/bin/sh\ncat >&2 <<'EOF'\nProperty settings:\n    java.runtime.version = 99.0.1+1\n"
                + "    java.vendor = Elsewhere\n    os.arch = amd64\nopenjdk version \"99.0.1\"\nEOF\n");
        Files.setPosixFilePermissions(java, PosixFilePermissions.fromString("rwxr-xr-x"));
        try (FixtureRepo repo = FixtureRepo.create(tmp)) {
            Materialized m = head(repo, List.of());
            Map<String, String> real = env();
            Map<String, String> other = env("PATH", fakeBin + ":" + System.getenv("PATH"));
            assertTrue(MachineFacts.of(real).jdk().contains("java.runtime.version="), MachineFacts.of(real).jdk());
            assertTrue(MachineFacts.of(other).jdk().contains("java.runtime.version=99.0.1+1"), MachineFacts.of(other).jdk());
            assertEquals(ResultCache.runKey(m, args(m), null, real), ResultCache.runKey(m, args(m), null, env()));
            assertNotEquals(ResultCache.runKey(m, args(m), null, real), ResultCache.runKey(m, args(m), null, other));
            assertNotEquals(ResultCache.seedKey(m, args(m), real), ResultCache.seedKey(m, args(m), other));
        }
    }

    @Test
    void theVariablesTheTrainerReadsAreInTheKeyAndOthersAreNot() throws Exception {
        try (FixtureRepo repo = FixtureRepo.create(tmp)) {
            Materialized m = head(repo, List.of());
            String base = ResultCache.runKey(m, args(m), null, env());
            for (String var : List.of("OMP_NUM_THREADS", "OPENBLAS_CORETYPE", "MKL_CBWR", "ATEN_CPU_CAPABILITY",
                    "LOSS_COMPARE_OPENBLAS_CORETYPE", "CUBLAS_WORKSPACE_CONFIG", "CUDA_VISIBLE_DEVICES", "NGPU")) {
                assertNotEquals(base, ResultCache.runKey(m, args(m), null, env(var, "1")), var);
            }
            assertEquals(base, ResultCache.runKey(m, args(m), null, env("LOSS_COMPARE_CACHE", "/elsewhere", "EDITOR", "vi")));
            assertEquals(base, ResultCache.runKey(m, args(m), null, env("LOSS_COMPARE_CLASS_DATA", "off", "LOSS_COMPARE_CLASS_DATA_DIR",
                    "/elsewhere")), "the class-data archive changes how fast the JVM starts, never a number");
            assertEquals(base, ResultCache.runKey(m, args(m), null, env("LOSS_COMPARE_NATIVE_LIBRARIES", "off",
                    "LOSS_COMPARE_NATIVE_LIBRARIES_DIR", "/elsewhere")), "the record of the native libraries: the same files load");
        }
    }

    @Test
    void withDeclaredInputsAReadmeOnlyEditReusesTheCachedResult() throws Exception {
        try (FixtureRepo repo = FixtureRepo.create(tmp)) {
            List<String> inputs = List.of("trainer/", "configs/", "init.txt", "lr.txt");
            ResultCache results = new ResultCache(repo.cache, env());
            Materialized before = head(repo, inputs);
            results.storeRun(ResultCache.runKey(before, args(before), null, env()), series("run.jsonl", "{\"threads\":1}"),
                    tmp.resolve("none.log"));
            repo.write("README.md", "only the docs changed\n");
            repo.commit("docs");
            Materialized after = head(repo, inputs);
            assertTrue(results.restoreRun(ResultCache.runKey(after, args(after), null, env()), 2, tmp.resolve("restored.jsonl"),
                    tmp.resolve("restored.log"), env()));
            assertEquals(Files.readString(tmp.resolve("run.jsonl")), Files.readString(tmp.resolve("restored.jsonl")));
            Materialized whole = head(repo, List.of());
            assertFalse(results.restoreRun(ResultCache.runKey(whole, args(whole), null, env()), 2, tmp.resolve("x.jsonl"),
                    tmp.resolve("x.log"), env()), "without inputs the README edit is new content");
        }
    }

    @Test
    void aRestoredRunMustFitThisMachine() throws Exception {
        Path cache = tmp.resolve("cache");
        Map<String, String> skylake = env("LOSS_COMPARE_OPENBLAS_CORETYPE", "SkylakeX");
        ResultCache results = new ResultCache(cache, skylake);
        results.storeRun("k-haswell", series("h.jsonl", "{\"blas_core\":\"Haswell\",\"threads\":1}"), tmp.resolve("none.log"));
        assertFalse(results.restoreRun("k-haswell", 2, tmp.resolve("a.jsonl"), tmp.resolve("a.log"), skylake),
                "meta shows another BLAS kernel than this machine pins");
        assertFalse(Files.exists(cache.resolve("results/k-haswell")), "and the entry is discarded");

        results.storeRun("k-skylake", series("s.jsonl", "{\"blas_core\":\"SkylakeX\",\"threads\":1}"), tmp.resolve("none.log"));
        assertFalse(new ResultCache(cache, env("LOSS_COMPARE_OPENBLAS_CORETYPE", "SkylakeX", "OMP_NUM_THREADS", "7"))
                .restoreRun("k-skylake", 2, tmp.resolve("b.jsonl"), tmp.resolve("b.log"), skylake), "recorded under other facts");
        results.storeRun("k-skylake", series("s.jsonl", "{\"blas_core\":\"SkylakeX\",\"threads\":1}"), tmp.resolve("none.log"));
        assertTrue(results.restoreRun("k-skylake", 2, tmp.resolve("c.jsonl"), tmp.resolve("c.log"), skylake));

        // A run with the portable kernels (--portable, the gate's goldens) ran OpenBLAS's Haswell kernels and ATen's
        // AVX2 code whatever this machine pins: judged against the pins of its own environment, it is restored.
        String portable = "{\"blas_core\":\"Haswell\",\"cpu_capability\":\"avx2\",\"threads\":1}";
        results.storeRun("k-portable", series("p.jsonl", portable), tmp.resolve("none.log"));
        Map<String, String> portableRun = new java.util.HashMap<>(skylake);
        portableRun.putAll(dev.losscompare.harness.run.Kernels.PORTABLE.environment());
        assertTrue(results.restoreRun("k-portable", 2, tmp.resolve("d.jsonl"), tmp.resolve("d.log"), portableRun));
        assertFalse(results.restoreRun("k-portable", 2, tmp.resolve("e.jsonl"), tmp.resolve("e.log"), skylake),
                "the same meta for a native run is another kernel than the machine's");
    }

    @Test
    void staleTemporariesInResultsAreSwept() throws Exception {
        Path results = Files.createDirectories(tmp.resolve("cache/results"));
        Path stale = Files.createDirectories(results.resolve(".tmp-crashed/inner"));
        Files.writeString(stale.resolve("series.jsonl"), "half");
        Files.setLastModifiedTime(results.resolve(".tmp-crashed"), FileTime.from(Instant.now().minus(Duration.ofDays(2))));
        Path fresh = Files.createDirectories(results.resolve(".tmp-writing"));
        new ResultCache(tmp.resolve("cache"), env());
        assertFalse(Files.exists(results.resolve(".tmp-crashed")));
        assertTrue(Files.exists(fresh), "a temporary someone may still be writing stays");
    }

    /**
     * Working-tree inputs (from_working_tree): linked, not copied, into the materialized revision;
     * their fingerprints are in every result key (same data: same key; edited data: another key)
     * while the materialized directory and its build stay; a run that wrote into them is seen.
     */
    @Test
    void workingTreeInputsAreLinkedAndTheirFingerprintsKeyTheResults() throws Exception {
        try (FixtureRepo repo = FixtureRepo.create(tmp)) {
            Path data = Files.createDirectories(repo.dir.resolve("data/tiny"));
            Files.write(data.resolve("train.bin"), new byte[] {1, 2, 3, 4});
            var resolved = new RevisionResolver(repo.git.getRepository()).resolve("HEAD");
            RevisionCache cache = new RevisionCache(repo.cache, repo.git.getRepository());
            WorkingTreeInputs first = WorkingTreeInputs.of(repo.dir, List.of("data"));
            assertEquals("data/", first.fingerprints().get(0).path());
            Materialized m = cache.materialize(resolved, List.of(), first);
            assertTrue(Files.isSymbolicLink(m.dir().resolve("data")), "linked, not copied");
            assertEquals(repo.dir.resolve("data").toAbsolutePath().normalize(), Files.readSymbolicLink(m.dir().resolve("data")));
            Materialized plain = head(repo, List.of());
            assertNotEquals(ResultCache.runKey(plain, args(plain), null, env()), ResultCache.runKey(m, args(m), null, env()));

            Materialized same = cache.materialize(resolved, List.of(), WorkingTreeInputs.of(repo.dir, List.of("data/")));
            assertEquals(m.key(), same.key());
            assertEquals(ResultCache.runKey(m, args(m), null, env()), ResultCache.runKey(same, args(same), null, env()));

            Files.write(data.resolve("train.bin"), new byte[] {1, 2, 3, 5});
            assertTrue(first.changed().startsWith("from_working_tree inputs changed during the run (data/ sha256:"), first.changed());
            Materialized edited = cache.materialize(resolved, List.of(), WorkingTreeInputs.of(repo.dir, List.of("data/")));
            assertEquals(m.dir(), edited.dir(), "the same directory and build: only the results are keyed by the data");
            assertNotEquals(ResultCache.runKey(m, args(m), null, env()), ResultCache.runKey(edited, args(edited), null, env()));
            assertNotEquals(ResultCache.seedKey(m, args(m), env()), ResultCache.seedKey(edited, args(edited), env()));

            var missing = assertThrows(dev.losscompare.harness.UsageException.class,
                    () -> WorkingTreeInputs.of(repo.dir, List.of("assets/tokenizer/")));
            assertTrue(missing.getMessage().startsWith("from_working_tree: assets/tokenizer/ does not exist in the working tree "),
                    missing.getMessage());
            assertThrows(dev.losscompare.harness.UsageException.class, () -> WorkingTreeInputs.of(repo.dir, List.of("../elsewhere")));

            // A listed path that is a link out of the repository is followed, and the inputs line says where it goes.
            Path outside = Files.createDirectories(tmp.resolve("disk/tokenizer"));
            Files.writeString(outside.resolve("vocab.txt"), "a b c\n");
            Files.createSymbolicLink(repo.dir.resolve("tokenizer"), outside);
            WorkingTreeInputs linked = WorkingTreeInputs.of(repo.dir, List.of("tokenizer", "data"));
            assertTrue(linked.describe(linked.fingerprints().get(0)).endsWith(", a link to " + outside.toRealPath()
                    + " outside the repository"), linked.describe(linked.fingerprints().get(0)));
            assertFalse(linked.describe(linked.fingerprints().get(1)).contains("outside"));
        }
    }

    @Test
    void aLargeFileIsFingerprintedBySizeMtimeAndSamples() throws Exception {
        Path big = tmp.resolve("big");
        Files.createDirectories(big);
        try (var f = new java.io.RandomAccessFile(big.resolve("train.bin").toFile(), "rw")) {
            f.setLength(InputFingerprint.FULL_HASH_LIMIT + 5);
        }
        String before = InputFingerprint.of(tmp, "big/").fingerprint();
        try (var f = new java.io.RandomAccessFile(big.resolve("train.bin").toFile(), "rw")) {
            f.seek(InputFingerprint.FULL_HASH_LIMIT);   // inside the last sampled MiB
            f.write(7);
        }
        Files.setLastModifiedTime(big.resolve("train.bin"), java.nio.file.attribute.FileTime.fromMillis(0));
        assertNotEquals(before, InputFingerprint.of(tmp, "big/").fingerprint());
    }
}
