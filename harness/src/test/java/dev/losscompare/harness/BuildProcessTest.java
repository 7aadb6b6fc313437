package dev.losscompare.harness;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.losscompare.harness.cache.BuildResult;
import dev.losscompare.harness.cache.Materialized;
import dev.losscompare.harness.cache.RevisionCache;
import dev.losscompare.harness.git.RevisionResolver;
import java.io.ByteArrayOutputStream;
import java.io.File;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Builds are bounded in time, killed with their process tree, and a waiting process says whom it waits for. */
class BuildProcessTest {
    @TempDir Path tmp;

    private static FixtureRepo sleepingBuild(Path tmp, int seconds) throws Exception {
        FixtureRepo repo = FixtureRepo.create(tmp);
        repo.write("build_sleep.txt", seconds + "\n");
        repo.commit("a slow build");
        return repo;
    }

    private static Materialized head(FixtureRepo repo) throws Exception {
        return new RevisionCache(repo.cache, repo.git.getRepository())
                .materialize(new RevisionResolver(repo.git.getRepository()).resolve("HEAD"));
    }

    private static long buildChild(FixtureRepo repo) throws Exception {
        Path pids = repo.cache.resolve("build_child.pid");
        for (int i = 0; i < 600 && (!Files.exists(pids) || Files.readString(pids).isBlank()); i++) Thread.sleep(100);
        return Long.parseLong(Files.readAllLines(pids).get(0).strip());
    }

    private static boolean diesWithin(long pid, Duration d) throws InterruptedException {
        long end = System.nanoTime() + d.toNanos();
        while (System.nanoTime() < end) {
            Optional<ProcessHandle> p = ProcessHandle.of(pid);
            if (p.isEmpty() || !p.get().isAlive()) return true;
            Thread.sleep(50);
        }
        return false;
    }

    @Test
    void aBuildThatOutrunsItsTimeoutIsKilledWithItsProcessTree() throws Exception {
        try (FixtureRepo repo = sleepingBuild(tmp, 120)) {
            Materialized m = head(repo);
            RevisionCache cache = new RevisionCache(repo.cache, repo.git.getRepository());
            long start = System.nanoTime();
            BuildResult r = cache.build(m, tmp.resolve("build.log"), Duration.ofSeconds(1));
            double seconds = (System.nanoTime() - start) / 1e9;
            assertFalse(r.ok());
            assertTrue(r.reason().contains("timed out after 1 s"), r.reason());
            assertTrue(seconds < 30, "returned after " + seconds + " s");
            assertTrue(diesWithin(buildChild(repo), Duration.ofSeconds(5)), "the build's child process was killed too");
            assertFalse(Files.exists(cache.revisionsDir().resolve(m.key() + ".built")), "a killed build is not marked built");
        }
    }

    @Test
    void stoppingTheHarnessDuringABuildKillsTheBuildTree() throws Exception {
        try (FixtureRepo repo = sleepingBuild(tmp, 120)) {
            Process harness = HarnessProcess.start(repo, tmp.resolve("harness.log"), "HEAD~1", "HEAD", "--steps=1",
                    "--output-folder=" + tmp.resolve("out"));
            long child = buildChild(repo);
            harness.destroy(); // SIGTERM, as Ctrl-C: the JVM's shutdown hook runs
            harness.waitFor();
            assertTrue(diesWithin(child, Duration.ofSeconds(10)), Files.readString(tmp.resolve("harness.log")));
        }
    }

    @Test
    void aProcessWaitingForTheBuildLockSaysWhoHoldsIt() throws Exception {
        try (FixtureRepo repo = sleepingBuild(tmp, 3)) {
            Materialized m = head(repo);
            Process holder = HarnessProcess.start(repo, tmp.resolve("holder.log"), "HEAD", "HEAD", "--steps=1",
                    "--output-folder=" + tmp.resolve("holder-out"));
            buildChild(repo); // the other process is building, so it holds the lock
            ByteArrayOutputStream said = new ByteArrayOutputStream();
            RevisionCache cache = new RevisionCache(repo.cache, repo.git.getRepository(),
                    new PrintStream(said, true, StandardCharsets.UTF_8));
            BuildResult r = cache.build(m, tmp.resolve("build.log"), Duration.ofMinutes(1));
            assertTrue(r.ok() && r.reused(), r.toString());
            String message = said.toString(StandardCharsets.UTF_8);
            assertTrue(message.startsWith("waiting for the build lock held by pid " + holder.pid()
                    + " (loss_compare HEAD HEAD --steps=1 "), message);
            assertTrue(Pattern.compile("since \\d\\d:\\d\\d:\\d\\d\\)").matcher(message).find(), message);
            assertEquals(0, holder.waitFor(), Files.readString(tmp.resolve("holder.log")));
        }
    }

    @Test
    void cachedBuildNamesAHashedPathThatIsMissing() throws Exception {
        Path script = Path.of("").toAbsolutePath().getParent().resolve("trainer/cached_build.sh");
        Path root = Files.createDirectories(tmp.resolve("project"));
        Files.writeString(root.resolve("pom.xml"), "<project/>\n");
        Files.createDirectories(root.resolve("mod"));
        ProcessBuilder pb = new ProcessBuilder(List.of("bash", "-c",
                "set -euo pipefail; source \"$1\"; paths=(pom.xml .mvn mod); extra=(); cached_build \"$2\" mod mod.jar 4 paths extra",
                "cached_build_test", script.toString(), root.toString()))
                .redirectErrorStream(true).redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")));
        Process p = pb.start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertEquals(4, p.waitFor(), out);
        assertTrue(out.contains("error: cannot build mod: .mvn does not exist in " + root), out);
    }
}
