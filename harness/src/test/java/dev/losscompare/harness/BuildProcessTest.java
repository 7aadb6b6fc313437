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

    /**
     * Two trees with the same module sources (they differ in README) build once: the second copies
     * the first's jar from LOSS_COMPARE_BUILD_STORE, with the classpath naming the store's copy of
     * the jar that build made inside its tree; other mvn arguments are another build.
     */
    @Test
    void cachedBuildReusesTheStoredBuildOfTheSameSourcesInAnotherTree() throws Exception {
        Path bin = Files.createDirectories(tmp.resolve("bin"));
        Path calls = tmp.resolve("mvn-calls.log");
        Path external = Files.writeString(tmp.resolve("m2-ext.jar"), "a jar of the local Maven repository\n");
        // A stand-in for Maven: the jar, a jar of a sibling module in the tree, and the classpath naming it.
        Files.writeString(bin.resolve("mvn"), "#!/usr/bin/env bash\n"
                + "echo \"$PWD $*\" >>'" + calls + "'\n"
                + "mkdir -p mod/target dep/target\n"
                + "echo \"jar of $PWD\" >mod/target/mod.jar; echo dep >dep/target/dep.jar\n"
                + "printf '%s' \"$PWD/dep/target/dep.jar:" + external + "\" >mod/target/classpath.txt\n");
        bin.resolve("mvn").toFile().setExecutable(true);
        Path store = tmp.resolve("store");
        Path first = moduleTree("first", "one"), second = moduleTree("second", "two");

        assertEquals("", cachedBuild(first, bin, store));
        assertEquals("", cachedBuild(second, bin, store));
        assertEquals(1, Files.readAllLines(calls).size(), "the second tree copies the stored build");
        assertEquals("jar of " + first, Files.readString(second.resolve("mod/target/mod.jar")).strip());
        String classpath = Files.readString(second.resolve("mod/target/classpath.txt"));
        assertTrue(classpath.startsWith(store.toString()) && classpath.endsWith("/lib/dep.jar:" + external), classpath);
        assertTrue(Files.readString(second.resolve("mod/target/build.log")).startsWith("copied from the build store: " + store), "says so in its build log");
        // trainer/class_data.sh, where LOSS_COMPARE_BUILD_STORE is not set (a training run): the store's copy is this
        // build's own jar, after the dependency jars and out of their class-data archive's key
        Files.writeString(second.resolve("mod/target/trainer.jar"), "jar\n");
        assertEquals(external + ":" + second.resolve("mod/target/trainer.jar") + ":" + classpath.substring(0, classpath.indexOf(':')),
                trainerClassPath(second));

        Files.writeString(first.resolve("mod/Main.java"), "class Main { int changed; }\n");
        assertEquals("", cachedBuild(first, bin, store));
        assertEquals(2, Files.readAllLines(calls).size(), "changed sources build again");
        assertEquals("", cachedBuild(moduleTree("third", "three"), bin, store, "-Pcuda"));
        assertEquals(3, Files.readAllLines(calls).size(), "other mvn arguments are another build");
        // in the same tree too (an environment's -Dpytorch.version): its stamp covers the arguments
        assertEquals("", cachedBuild(first, bin, store, "-Dpytorch.version=2.7.1-1.5.12"));
        assertEquals(4, Files.readAllLines(calls).size(), "the same tree with other mvn arguments builds again");
        assertEquals("", cachedBuild(first, bin, store, "-Dpytorch.version=2.7.1-1.5.12"));
        assertEquals(4, Files.readAllLines(calls).size(), "and is then current");
        assertEquals("", cachedBuild(first, bin, store));
        assertTrue(Files.readString(first.resolve("mod/target/build.log")).startsWith("copied from the build store: "),
                "back to the default arguments: the default build, from the store, not the other one kept");
    }

    /**
     * Two trees with the same sources built at once (two comparisons, or two test classes, sharing
     * the store): the second waits for the first's build and copies it, rather than running Maven too.
     */
    @Test
    void cachedBuildsOfTheSameSourcesAtOnceRunMavenOnce() throws Exception {
        Path bin = Files.createDirectories(tmp.resolve("bin"));
        Path calls = tmp.resolve("mvn-calls.log");
        // A slow stand-in for Maven, so that the two builds overlap.
        Files.writeString(bin.resolve("mvn"), "#!/usr/bin/env bash\n"
                + "echo \"$PWD $*\" >>'" + calls + "'\n"
                + "sleep 2; mkdir -p mod/target; echo \"jar of $PWD\" >mod/target/mod.jar; printf '' >mod/target/classpath.txt\n");
        bin.resolve("mvn").toFile().setExecutable(true);
        Path store = tmp.resolve("store");
        Path first = moduleTree("first", "one"), second = moduleTree("second", "two");

        Process a = startCachedBuild(first, bin, store), b = startCachedBuild(second, bin, store);
        for (Process p : List.of(a, b)) {
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            assertEquals(0, p.waitFor(), out);
        }
        assertEquals(1, Files.readAllLines(calls).size(), "one Maven build: " + Files.readAllLines(calls));
        Path copied = Files.readString(first.resolve("mod/target/build.log")).startsWith("copied from the build store: ") ? first : second;
        assertEquals("jar of " + (copied == first ? second : first), Files.readString(copied.resolve("mod/target/mod.jar")).strip());
    }

    /**
     * With the build store, a revision tree whose trainer changed but whose TensorBoard module did not
     * gets that module's kept target/ (real Maven: it finds it current, so no class of it is compiled
     * again and protoc does not run) and Maven builds the trainer alone; another TensorBoard source
     * is another entry. Maven's own JVM maps a class-data archive the first build wrote.
     */
    @Test
    void aTreeWithAnotherTrainerButTheSameTensorBoardModuleReusesThatModulesBuild() throws Exception {
        Path store = tmp.resolve("store"), first = tmp.resolve("first"), second = tmp.resolve("second");
        ProjectFiles.copyTrackedFiles(ProjectFiles.root(), Files.createDirectories(first));
        ProjectFiles.copyTrackedFiles(ProjectFiles.root(), Files.createDirectories(second));
        String main = "trainer/src/main/java/dev/losscompare/trainer/Main.java";
        Files.writeString(second.resolve(main), Files.readString(second.resolve(main)) + "// another trainer\n");
        buildOnly(first, store);
        List<Path> kept;
        try (var entries = Files.list(store)) {
            kept = entries.filter(e -> e.getFileName().toString().startsWith("upstream-trainer-tbevents-")
                    && !e.getFileName().toString().endsWith(".lock")).toList();
        }
        assertEquals(1, kept.size(), kept.toString());
        Path inputs = Path.of("maven-status/maven-compiler-plugin/compile/default-compile/inputFiles.lst");
        assertTrue(Files.readString(kept.get(0).resolve("target").resolve(inputs)).startsWith("@ROOT@trainer/tbevents/src/main/java/"), "kept without its tree's root");

        buildOnly(second, store);
        Path tbevents = second.resolve("trainer/tbevents/target");
        assertTrue(Files.readString(tbevents.resolve(inputs)).startsWith(second.toRealPath() + "/trainer/tbevents/src/main/java/"),
                "restored naming this tree");
        java.util.Set<java.nio.file.attribute.FileTime> times = new java.util.HashSet<>();
        try (var files = Files.walk(tbevents)) {
            for (Path f : (Iterable<Path>) files::iterator) {
                String rel = tbevents.relativize(f).toString();
                if (rel.startsWith("classes") || rel.startsWith("generated-sources")) times.add(Files.getLastModifiedTime(f));
            }
        }
        assertEquals(1, times.size(), "every class and generated source as restored, none written again: " + times);
        String classpath = Files.readString(second.resolve("trainer/target/classpath.txt"));
        assertTrue(classpath.contains(second + "/trainer/tbevents/target/loss-compare-tbevents-") && Files.isRegularFile(
                tbevents.resolve("loss-compare-tbevents-0.1.0-SNAPSHOT.jar")), classpath);
        assertFalse(java.util.Arrays.equals(Files.readAllBytes(first.resolve("trainer/target/trainer.jar")),
                Files.readAllBytes(second.resolve("trainer/target/trainer.jar"))), "the trainer itself was built");

        // Maven's own class-data archive: written by the first build, mapped (not written again) by the second.
        List<Path> archives;
        try (var files = Files.list(tmp.resolve("class-data"))) {
            archives = files.filter(f -> f.getFileName().toString().matches("maven-[0-9a-f]{32}\\.jsa")).toList();
        }
        assertEquals(1, archives.size(), archives.toString());
        Path archive = archives.get(0);
        assertEquals(Long.toString(Files.size(archive)), Files.readString(Path.of(archive + ".size")).strip());
        assertTrue(Files.getLastModifiedTime(archive).toMillis() < Files.getLastModifiedTime(second.resolve("trainer/target/trainer.jar"))
                .toMillis(), "written once, by the first build");

        String reader = "trainer/tbevents/src/main/java/dev/losscompare/tbevents/EventFileReader.java";
        Files.writeString(second.resolve(reader), Files.readString(second.resolve(reader)) + "// another reader\n");
        assertTrue(!upstreamEntry(first, store).equals(upstreamEntry(second, store)), "another TensorBoard source, another entry");
    }

    private void buildOnly(Path tree, Path store) throws Exception {
        ProcessBuilder pb = new ProcessBuilder(tree.resolve("trainer/run_train.sh").toString(), "--build-only").redirectErrorStream(true)
                .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")));
        pb.environment().put(RevisionCache.BUILD_STORE_VARIABLE, store.toString());
        pb.environment().put("LOSS_COMPARE_CLASS_DATA_DIR", tmp.resolve("class-data").toString());
        pb.environment().remove("MAVEN_OPTS");
        Process p = pb.start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertEquals(0, p.waitFor(), out);
    }

    /** The store entry cached_build keeps the TensorBoard module of {@code tree} under. */
    private static String upstreamEntry(Path tree, Path store) throws Exception {
        ProcessBuilder pb = new ProcessBuilder("bash", "-c", "set -euo pipefail; source \"$1/trainer/cached_build.sh\"; "
                + "up=(trainer/tbevents pom.xml .mvn trainer/tbevents/pom.xml trainer/tbevents/src/main); args=(); "
                + "_cached_upstream_entry \"$1\" up args", "upstream_entry_test", tree.toString()).redirectErrorStream(true);
        pb.environment().put(RevisionCache.BUILD_STORE_VARIABLE, store.toString());
        Process p = pb.start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertEquals(0, p.waitFor(), out);
        return out;
    }

    private Path moduleTree(String name, String readme) throws Exception {
        Path root = Files.createDirectories(tmp.resolve(name));
        Files.writeString(root.resolve("pom.xml"), "<project/>\n");
        Files.createDirectories(root.resolve(".mvn"));
        Files.createDirectories(root.resolve("mod"));
        Files.writeString(root.resolve("mod/Main.java"), "class Main {}\n");
        Files.writeString(root.resolve("README.md"), readme + "\n");
        return root;
    }

    /** cached_build of module mod in {@code root} with {@code bin} first on PATH; returns what it printed (exit 0 asserted). */
    private static String cachedBuild(Path root, Path bin, Path store, String... mvnArgs) throws Exception {
        Process p = startCachedBuild(root, bin, store, mvnArgs);
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertEquals(0, p.waitFor(), out);
        return out;
    }

    /** cached_build started as {@link #cachedBuild} starts it, left running (its output: the process's input stream). */
    private static Process startCachedBuild(Path root, Path bin, Path store, String... mvnArgs) throws Exception {
        Path script = ProjectFiles.root().resolve("trainer/cached_build.sh");
        List<String> command = new java.util.ArrayList<>(List.of("bash", "-c",
                "set -euo pipefail; source \"$1\"; paths=(pom.xml .mvn mod/Main.java); extra=(\"${@:3}\"); cached_build \"$2\" mod mod.jar 4 paths extra",
                "cached_build_test", script.toString(), root.toString()));
        command.addAll(List.of(mvnArgs));
        ProcessBuilder pb = new ProcessBuilder(command).redirectErrorStream(true)
                .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")));
        pb.environment().put("PATH", bin + File.pathSeparator + System.getenv("PATH"));
        pb.environment().put(RevisionCache.BUILD_STORE_VARIABLE, store.toString());
        return pb.start();
    }

    /** trainer_class_path's class path for module mod of {@code root} (no class-data archive). */
    private static String trainerClassPath(Path root) throws Exception {
        Path script = ProjectFiles.root().resolve("trainer/class_data.sh");
        ProcessBuilder pb = new ProcessBuilder("bash", "-c",
                "set -euo pipefail; source \"$1\"; opts=(); trainer_class_path \"$2\" \"$2/mod/target\" opts; printf '%s' \"$trainer_cp\"",
                "class_path_test", script.toString(), root.toString()).redirectErrorStream(true)
                .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")));
        pb.environment().put("LOSS_COMPARE_CLASS_DATA", "off");
        pb.environment().remove(RevisionCache.BUILD_STORE_VARIABLE);
        Process p = pb.start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertEquals(0, p.waitFor(), out);
        return out;
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
