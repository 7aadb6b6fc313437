package dev.losscompare.harness;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import dev.losscompare.harness.run.OnPath;
import dev.losscompare.tbevents.EventFileWriter;
import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The release archive as a user gets it: unpacked into an empty folder and started through a
 * symlink on a PATH that has no java and no mvn (only the few tools the launcher and the scripted
 * fixture trainer use). Its own runtime runs the harness: a diff of two logs, a comparison through
 * a command trainer, and report; this repository's trainer, which needs Maven, is one line.
 */
class ReleaseArchiveTest {
    /** What bin/loss_compare (bash, readlink, dirname) and fixture/run_train.sh start. */
    private static final List<String> TOOLS = List.of("bash", "env", "readlink", "dirname", "basename", "cat", "head", "sed",
            "awk", "mkdir", "touch");
    private static final long MIB = 1024 * 1024;

    @TempDir
    static Path tmp;
    static Path archive;
    static Path launcher;
    static Map<String, String> env;

    /**
     * Made and unpacked by the first test that needs it (not in a @BeforeAll: surefire's test times,
     * which order the classes, then count the archive's making, most of this class's time).
     */
    @BeforeEach
    void unpackWithoutJavaOrMavenOnPath() throws Exception {
        synchronized (ReleaseArchiveTest.class) {
            if (launcher == null) unpackOnce();
        }
    }

    private static void unpackOnce() throws Exception {
        String version = System.getProperty("release.version");
        Path out = makeArchive(version);
        try (Stream<Path> files = Files.list(out)) {
            List<Path> found = files.filter(f -> f.getFileName().toString().matches("loss_compare-" + java.util.regex.Pattern.quote(version)
                    + "-linux-[a-z0-9_]+\\.tar\\.gz")).toList();
            assertEquals(1, found.size(), "one release archive in " + out + ": " + found);
            archive = found.get(0);
        }
        Path unpacked = Files.createDirectories(tmp.resolve("unpacked"));
        Process tar = new ProcessBuilder("tar", "-xzf", archive.toString(), "-C", unpacked.toString()).inheritIO().start();
        assertEquals(0, tar.waitFor(), "tar -xzf " + archive);
        String name = archive.getFileName().toString().replace(".tar.gz", "");
        Path home = unpacked.resolve(name);

        Path bin = Files.createDirectories(tmp.resolve("bin"));
        for (String tool : TOOLS) {
            Path real = OnPath.find(tool, Map.of());
            assertNotNull(real, tool + " is not on this machine's PATH");
            Files.createSymbolicLink(bin.resolve(tool), real);
        }
        launcher = Files.createSymbolicLink(bin.resolve("loss_compare"), home.resolve("bin/loss_compare"));
        env = Map.of("PATH", bin.toString(), "HOME", Files.createDirectories(tmp.resolve("home")).toString(), "LANG", "C.UTF-8");
        assertTrue(OnPath.find("java", env) == null && OnPath.find("mvn", env) == null, "the PATH has no java and no mvn");
    }

    /**
     * dist/release.sh, as the harness module's package phase runs it, with the harness's classes and
     * its runtime class path (target/classpath.txt, written before the tests): made here, so that
     * mvn -B test makes it beside the other tests rather than after them. Its folder in target/
     * keeps the jlink runtime between test runs.
     */
    private static Path makeArchive(String version) throws Exception {
        Path target = Path.of("target").toAbsolutePath(), out = Files.createDirectories(target.resolve("release-test"));
        String classpath = target.resolve("classes") + File.pathSeparator + Files.readString(target.resolve("classpath.txt")).strip();
        Process release = new ProcessBuilder("bash", ProjectFiles.root().resolve("dist/release.sh").toString(), out.toString(), version,
                System.getProperty("java.home"), classpath).redirectErrorStream(true).start();
        String said = new String(release.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
        assertEquals(0, release.waitFor(), said);
        return out;
    }

    private record Ran(int exit, String out, String err) {
        @Override
        public String toString() {
            return "exit " + exit + "\n--- stdout\n" + out + "--- stderr\n" + err;
        }
    }

    /** bin/loss_compare ARGS through the symlink, in {@code cwd} with the cache {@code cache}, and nothing of this JVM's environment. */
    private static Ran run(Path cwd, Path cache, String... args) throws Exception {
        List<String> command = new ArrayList<>(List.of(launcher.toString()));
        command.addAll(List.of(args));
        Path out = Files.createTempFile(tmp, "out", ".txt");
        Path err = Files.createTempFile(tmp, "err", ".txt");
        ProcessBuilder pb = new ProcessBuilder(command).directory(cwd.toFile()).redirectOutput(out.toFile())
                .redirectError(err.toFile()).redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")));
        pb.environment().clear();
        pb.environment().putAll(env);
        pb.environment().put("LOSS_COMPARE_CACHE", cache.toString());
        Process p = pb.start();
        if (!p.waitFor(5, TimeUnit.MINUTES)) {
            p.descendants().forEach(ProcessHandle::destroyForcibly);
            p.destroyForcibly();
            fail("bin/loss_compare " + String.join(" ", args) + " did not end in 5 minutes");
        }
        return new Ran(p.exitValue(), Files.readString(out), Files.readString(err));
    }

    @Test
    void theArchiveHasTheHarnessItsRuntimeAndNoLibtorch() throws Exception {
        assertTrue(Files.size(archive) <= 60 * MIB, archive + ": " + Files.size(archive) / MIB + " MiB, the target is at most 60");
        Path home = launcher.toRealPath().getParent().getParent();
        try (Stream<Path> jars = Files.list(home.resolve("lib"))) {
            List<String> names = jars.map(j -> j.getFileName().toString()).toList();
            assertTrue(names.stream().anyMatch(n -> n.startsWith("harness")), names.toString());
            assertTrue(names.stream().noneMatch(n -> n.contains("pytorch") || n.contains("javacpp") || n.startsWith("trainer")),
                    "the trainer and libtorch stay out of the release: " + names);
        }
        Ran version = run(tmp, tmp.resolve("cache"), "--version");
        assertEquals(0, version.exit(), version.toString());
        assertEquals("loss_compare " + System.getProperty("release.version"), version.out().strip());
    }

    @Test
    void diffOfATorchtitanLogAndItsTensorBoardEvents() throws Exception {
        Path dir = Files.createDirectories(tmp.resolve("diff"));
        Files.writeString(dir.resolve("train.log"), """
                [rank0]:[titan] 2025-10-01 12:00:01,123 - root - INFO - step:  1  loss:  8.0385  grad_norm:  1.5000
                [rank0]:[titan] 2025-10-01 12:00:02,123 - root - INFO - step:  2  loss:  7.5000  grad_norm:  1.5100
                [rank0]:[titan] 2025-10-01 12:00:03,123 - root - INFO - step:  3  loss:  7.0000  grad_norm:  1.5200
                """);
        // torchtitan's tags, float32 as it writes them (read through protobuf on the release's runtime).
        try (EventFileWriter tb = EventFileWriter.create(Files.createDirectories(dir.resolve("tb")))) {
            float[][] steps = {{8.03851f, 1.5f}, {7.5f, 1.51f}, {7.0f, 1.52f}};
            for (int k = 0; k < steps.length; k++) {
                tb.addFloat32("loss_metrics/global_avg_loss", k + 1, steps[k][0]);
                tb.addFloat32("grad_norm", k + 1, steps[k][1]);
            }
        }
        Ran r = run(dir, tmp.resolve("cache"), "diff", "train.log", "tb", "--output-folder=out");
        assertEquals(0, r.exit(), r.toString());
        assertTrue(r.out().contains("PASS run: loss, grad_norm equal at 4 decimals over 3 steps"), r.toString());
        assertTrue(Files.isRegularFile(dir.resolve("out/comparison.json")), r.toString());
    }

    @Test
    void aCommandTrainerComparisonItsReportAndABisect() throws Exception {
        try (FixtureRepo repo = FixtureRepo.create(Files.createDirectories(tmp.resolve("command")))) {
            // The scripted fixture trainer (bash and awk), driven as any trainer is: argument-list templates, JSONL metrics.
            repo.write("command.toml", """
                    [trainer]
                    preset = "command"
                    command = ["trainer/run_train.sh"]
                    args = ["--config={config}", "--training.steps={steps}", "--metrics.path={metrics}"]
                    create_seed = ["--checkpoint.create_seed_checkpoint", "--checkpoint.path={seed_checkpoint}"]
                    load_seed = ["--checkpoint.initial_load_path={seed_checkpoint}"]
                    metrics = "jsonl"

                    [[case]]
                    name = "fixture"
                    config = "configs/llama3_debug.toml"
                    """);
            repo.commit("drive the trainer as a command");
            repo.write("lr.txt", "0.2\n");
            String culprit = repo.commit("raise the learning rate").name();
            repo.write("README.md", "after the change\n");
            repo.commit("edit the README");

            Ran r = run(repo.dir, repo.cache, "HEAD~2", "HEAD~1", "--suite=command.toml", "--steps=3", "--output-folder=out");
            assertEquals(1, r.exit(), r.toString());
            assertTrue(r.out().lines().anyMatch(l -> l.startsWith("FAIL fixture") && l.contains("loss differs from step 2")), r.toString());
            assertTrue(repo.calls().stream().anyMatch(c -> c.contains("--checkpoint.create_seed_checkpoint")), "a seed checkpoint was written");

            Path report = repo.dir.resolve("out/report.html");
            Files.delete(report);
            Ran again = run(repo.dir, repo.cache, "report", "out");
            assertEquals(0, again.exit(), again.toString());
            assertEquals("report: out/report.html", again.out().strip(), again.toString());
            assertTrue(Files.readString(report).contains("loss differs from step 2"), "the re-rendered report has the verdict");

            Ran bisect = run(repo.dir, repo.cache, "bisect", "HEAD~2", "HEAD", "--suite=command.toml", "--steps=3", "--output-folder=bisect");
            assertEquals(0, bisect.exit(), bisect.toString());
            assertTrue(bisect.out().contains("first commit that moved the numbers: " + culprit.substring(0, 10) + " \"raise the learning rate\""),
                    bisect.toString());
        }
    }

    @Test
    void thisRepositorysTrainerNeedsMavenAndSaysSoInOneLine() throws Exception {
        try (FixtureRepo repo = FixtureRepo.create(Files.createDirectories(tmp.resolve("own")))) {
            Ran r = run(repo.dir, repo.cache, "HEAD", "HEAD", "--steps=2");
            assertEquals(2, r.exit(), r.toString());
            assertEquals("", r.out(), r.toString());
            assertEquals(1, r.err().strip().lines().count(), r.toString());
            assertTrue(r.err().startsWith("loss_compare: this repository's trainer (the default, preset loss_compare) builds each"
                    + " revision with Maven and runs it on Java 17, and mvn and java are not on PATH"), r.toString());
            assertFalse(repo.calls().size() > 0, "no trainer ran");
        }
    }
}
