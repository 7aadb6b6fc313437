package dev.losscompare.harness;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.losscompare.core.result.CaseResult;
import dev.losscompare.core.result.ComparisonJson;
import dev.losscompare.core.result.Verdict;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * --launcher=slurm with the scripted fixture trainer on a real Slurm: the same verdicts as
 * locally, a job cancelled from outside is an ERROR naming it, Ctrl-C leaves no job queued; and
 * the launcher's bad input (no Slurm needed for those).
 */
@Timeout(value = 5, unit = TimeUnit.MINUTES)
class SlurmLauncherTest {
    private static final Pattern SUBMITTED = Pattern.compile("slurm job (\\d+) \\(([^)]*)\\): submitted");

    @TempDir
    Path tmp;

    private String slurm() throws Exception {
        return "--shared-dir=" + Files.createDirectories(tmp.resolve("shared"));
    }

    @Test
    void aComparisonThroughSlurmGivesTheLocalVerdictsAndBits() throws Exception {
        SlurmCluster.require();
        try (FixtureRepo repo = FixtureRepo.create(tmp)) {
            repo.write("lr.txt", "0.2\n");
            repo.commit("a learning-rate change");
            FixtureRepo.Result local = repo.run("HEAD~1", "HEAD", "--steps=4", "--no-cache");
            FixtureRepo.Result cluster = repo.run("HEAD~1", "HEAD", "--steps=4", "--no-cache", "--launcher=slurm", slurm());
            assertEquals(1, local.exit(), local.toString());
            assertEquals(local.exit(), cluster.exit(), cluster.toString());
            assertEquals(local.verdict(), cluster.verdict());
            assertEquals(judged(local.folder()), judged(cluster.folder()));
            for (String side : List.of("baseline", "test")) {
                assertEquals(series(local.folder(), side), series(cluster.folder(), side), side);
            }
            // Each was a job: the seed checkpoint, both sides, both traced re-runs of the diagnosis, the initialization check.
            assertEquals(6, SUBMITTED.matcher(cluster.err()).results().count(), cluster.toString());
            assertTrue(cluster.err().contains("(llama3_debugmodel/test_training): COMPLETED"), cluster.toString());

            // A cached run submits nothing (without the diagnosis: the fixture writes no trace, so there is none to cache).
            FixtureRepo.Result again = repo.run("HEAD~1", "HEAD", "--steps=4", "--no-diagnose", "--launcher=slurm", slurm());
            FixtureRepo.Result cachedNow = repo.run("HEAD~1", "HEAD", "--steps=4", "--no-diagnose", "--launcher=slurm", slurm());
            assertEquals(1, cachedNow.exit(), cachedNow.toString());
            assertEquals(0, SUBMITTED.matcher(cachedNow.err()).results().count(), cachedNow.toString());
            assertEquals(again.verdict(), cachedNow.verdict());
        }
    }

    @Test
    void everyTaskOfAJobGetsSlurmsVariablesAsTorchrunsForAnyTrainersCommand() throws Exception {
        SlurmCluster.require();
        var progress = new java.io.ByteArrayOutputStream();
        var launcher = new dev.losscompare.harness.launch.SlurmLauncher(new dev.losscompare.harness.launch.SlurmSettings(
                Files.createDirectories(tmp.resolve("shared")), null, null, null, null, null, null, List.of(), false),
                new java.io.PrintStream(progress, true, java.nio.charset.StandardCharsets.UTF_8));
        Path log = tmp.resolve("env.log");
        // A command trainer's process (here: env) started as two srun tasks, as a torchtitan or command adapter's run is.
        var outcome = launcher.start(new dev.losscompare.harness.adapter.Launch(List.of("env"), tmp, java.util.Map.of(), 2),
                log, null).await();
        assertTrue(outcome.ok(), outcome + "\n" + Files.readString(log));
        Matcher m = SUBMITTED.matcher(progress.toString(java.nio.charset.StandardCharsets.UTF_8));
        assertTrue(m.find(), progress.toString());
        long job = Long.parseLong(m.group(1));
        List<String> lines = Files.readAllLines(log);
        String node = SlurmCluster.Command.run("sinfo", "-h", "-o", "%N").out().strip();
        for (String v : List.of("RANK=0", "RANK=1", "LOCAL_RANK=0", "LOCAL_RANK=1", "MASTER_ADDR=" + node,
                "MASTER_PORT=" + (15000 + job % 17000))) {
            assertTrue(lines.contains(v), v + " missing in\n" + String.join("\n", lines));
        }
        assertEquals(2, lines.stream().filter("WORLD_SIZE=2"::equals).count(), String.join("\n", lines));
    }

    @Test
    void exportAndGateUpdateRunAsJobsAndWriteWhatTheLocalRunsWrite() throws Exception {
        SlurmCluster.require();
        try (FixtureRepo repo = FixtureRepo.create(tmp)) {
            repo.write("configs/signoff.toml", "[gate]\nsteps = 3\n\n[[case]]\nname = \"alpha\"\n"
                    + "config = \"configs/llama3_debug.toml\"\n\n[[case]]\nname = \"beta\"\n"
                    + "config = \"configs/llama3_debug.toml\"\noptions = [\"--model.flavor=debugmodel_flex_attn\"]\n");
            repo.commit("suite");
            Path localLosses = tmp.resolve("local.txt");
            Path slurmLosses = tmp.resolve("slurm.txt");
            FixtureRepo.Result local = repo.run("export", "HEAD", localLosses.toString(), "--steps=3", "--no-cache");
            FixtureRepo.Result cluster = repo.run("export", "HEAD", slurmLosses.toString(), "--steps=3", "--no-cache",
                    "--launcher=slurm", slurm());
            assertEquals(0, local.exit(), local.toString());
            assertEquals(0, cluster.exit(), cluster.toString());
            assertEquals(0, SUBMITTED.matcher(local.err()).results().count(), local.toString());
            assertEquals(2, SUBMITTED.matcher(cluster.err()).results().count(), "export's seed checkpoint and training were jobs: " + cluster);
            assertEquals(Files.readString(localLosses), Files.readString(slurmLosses));

            Path goldens = repo.dir.resolve("configs/golden");
            FixtureRepo.Result recordLocal = repo.run("gate", "--update", "--no-cache", "--output-folder=" + tmp.resolve("g-local"));
            assertEquals(0, recordLocal.exit(), recordLocal.toString());
            List<String> localGoldens = List.of(Files.readString(goldens.resolve("alpha.json")), Files.readString(goldens.resolve("beta.json")));
            FixtureRepo.Result recordSlurm = repo.run("gate", "--update", "--no-cache", "--launcher=slurm", slurm(),
                    "--output-folder=" + tmp.resolve("g-slurm"));
            assertEquals(0, recordSlurm.exit(), recordSlurm.toString());
            // one training per case (goldens take no seed checkpoint)
            assertEquals(2, SUBMITTED.matcher(recordSlurm.err()).results().count(), recordSlurm.toString());
            assertEquals(localGoldens, List.of(Files.readString(goldens.resolve("alpha.json")), Files.readString(goldens.resolve("beta.json"))));
        }
    }

    @Test
    void aJobCancelledFromOutsideIsAnErrorNamingTheJob() throws Exception {
        SlurmCluster.require();
        try (FixtureRepo repo = FixtureRepo.create(tmp)) {
            String marker = tmp.getFileName().toString();
            Path out = tmp.resolve("cancelled");
            CompletableFuture<FixtureRepo.Result> run = CompletableFuture.supplyAsync(() -> repo.run("HEAD", "HEAD", "--steps=60",
                    "--no-seed-checkpoint", "--no-cache", "--train-options=--fixture.sleep=0.25", "--launcher=slurm",
                    "--shared-dir=" + tmp.resolve("shared-" + marker), "--output-folder=" + out));
            String id = awaitJob("test_training", run);
            assertEquals(0, SlurmCluster.Command.run("scancel", id).exit());
            FixtureRepo.Result r = run.get(4, TimeUnit.MINUTES);
            assertEquals(2, r.exit(), r.toString());
            assertTrue(r.verdict().startsWith("ERROR "), r.toString());
            assertTrue(r.verdict().contains("Slurm job " + id + " (llama3_debugmodel/test_training) ended CANCELLED"), r.verdict());
            CaseResult c = ComparisonJson.read(out.resolve("comparison.json")).cases().get(0);
            assertEquals(Verdict.ERROR, c.verdict());
            assertTrue(c.test().error().contains("Slurm job " + id), c.test().error());
        }
    }

    @Test
    void ctrlCCancelsEveryJobItSubmitted() throws Exception {
        SlurmCluster.require();
        try (FixtureRepo repo = FixtureRepo.create(tmp)) {
            Path log = tmp.resolve("harness.log");
            Process harness = HarnessProcess.start(repo, log, "HEAD", "HEAD", "--steps=200", "--no-seed-checkpoint",
                    "--train-options=--fixture.sleep=1", "--launcher=slurm", slurm(), "--output-folder=" + tmp.resolve("out"));
            List<String> ids = new ArrayList<>();
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
            while (ids.size() < 2 && System.nanoTime() < deadline && harness.isAlive()) {
                Thread.sleep(200);
                ids.clear();
                Matcher m = SUBMITTED.matcher(Files.readString(log));
                while (m.find()) ids.add(m.group(1));
            }
            assertEquals(2, ids.size(), "both sides submitted: " + Files.readString(log));
            new ProcessBuilder("kill", "-INT", Long.toString(harness.pid())).start().waitFor();
            assertTrue(harness.waitFor(60, TimeUnit.SECONDS), "harness did not stop: " + Files.readString(log));
            String text = Files.readString(log);
            assertEquals(130, harness.exitValue(), text);
            assertTrue(text.contains("cancelled Slurm jobs " + ids.stream().sorted().reduce((a, b) -> a + ", " + b).orElseThrow()), text);
            long until = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
            while (!SlurmCluster.stillQueued(ids).isEmpty() && System.nanoTime() < until) Thread.sleep(500);
            assertEquals(List.of(), SlurmCluster.stillQueued(ids), "jobs left in squeue");
            assertFalse(Files.exists(tmp.resolve("out/comparison.json")));
        }
    }

    @Test
    void aSuitesLauncherTableSubmitsTheBuildsTooWithItsTimeLimit() throws Exception {
        SlurmCluster.require();
        try (FixtureRepo repo = FixtureRepo.create(tmp)) {
            launcherSuite(repo, "time_limit = \"5m\"\nbuilds = true\n");
            FixtureRepo.Result r = repo.run("HEAD", "HEAD", "--steps=2", "--suite=suite.toml", "--no-diagnose");
            assertEquals(0, r.exit(), r.toString());
            assertTrue(r.err().contains("launcher: slurm, shared dir "), r.toString());
            Matcher build = Pattern.compile("slurm job (\\d+) \\(revisions/[^)]*\\.build\\): submitted").matcher(r.err());
            assertTrue(build.find(), "the build was a job: " + r);
            assertTrue(Files.isDirectory(repo.dir.resolveSibling("shared").resolve("jobs")), "job files under the table's shared_dir");
            String job = SlurmCluster.Command.run("scontrol", "-o", "show", "job", build.group(1)).out();
            assertTrue(job.contains("TimeLimit=00:05:00"), job);
        }
    }

    @Test
    void slurmWithoutASharedDirOrWithABadTableIsOneLine() throws Exception {
        try (FixtureRepo repo = FixtureRepo.create(tmp)) {
            FixtureRepo.Result noShared = repo.run("HEAD", "HEAD", "--steps=2", "--launcher=slurm");
            assertEquals(2, noShared.exit(), noShared.toString());
            assertTrue(noShared.err().contains("--launcher=slurm needs --shared-dir=DIR"), noShared.toString());
            FixtureRepo.Result sharedAlone = repo.run("HEAD", "HEAD", "--steps=2", "--shared-dir=x");
            assertEquals(2, sharedAlone.exit(), sharedAlone.toString());
            assertTrue(sharedAlone.err().contains("--shared-dir is for --launcher=slurm"), sharedAlone.toString());
            repo.write("suite.toml", "[launcher]\nshared_dir = \"shared\"\npartitoin = \"gpu\"\n\n[[case]]\nname = \"a\"\n"
                    + "config = \"configs/llama3_debug.toml\"\n");
            FixtureRepo.Result typo = repo.run("HEAD", "HEAD", "--steps=2", "--suite=suite.toml");
            assertEquals(2, typo.exit(), typo.toString());
            assertTrue(typo.err().contains("[launcher]: unknown key 'partitoin'"), typo.toString());
        }
    }

    /**
     * A job sbatch refuses (no controller here; an unknown partition under CI's Slurm): the
     * message is about the cluster, never advice to drop the seed checkpoint. Needs no running
     * Slurm, only sbatch on PATH, so it runs in both places.
     */
    @Test
    void aJobSlurmRefusesIsNamedAsTheClustersProblem() throws Exception {
        Assumptions.assumeTrue(java.util.Arrays.stream(System.getenv("PATH").split(":"))
                .anyMatch(d -> Files.isExecutable(Path.of(d, "sbatch"))), "sbatch is not installed");
        try (FixtureRepo repo = FixtureRepo.create(tmp)) {
            launcherSuite(repo, "sbatch_args = [\"--partition=no_such_partition_31\"]\n");
            FixtureRepo.Result r = repo.run("HEAD", "HEAD", "--steps=2", "--suite=suite.toml", "--no-cache");
            assertEquals(2, r.exit(), r.toString());
            String all = r.out() + r.err();
            assertTrue(all.contains("could not be started: sbatch refused the job"), all);
            assertTrue(all.contains("that is the launcher's problem, not the checkpoint's"), all);
            assertFalse(all.contains("--no-seed-checkpoint"), all);
        }
    }

    /** suite.toml: one case, run through Slurm by its [launcher] table (shared_dir ../shared, then {@code keys}), committed. */
    private static void launcherSuite(FixtureRepo repo, String keys) throws Exception {
        repo.write("suite.toml", "[launcher]\nshared_dir = \"../shared\"\n" + keys + "\n"
                + "[[case]]\nname = \"a\"\nconfig = \"configs/llama3_debug.toml\"\n");
        repo.commit("a suite that runs on Slurm");
    }

    /** The id of the first queued job of ours whose name contains {@code side}. */
    private static String awaitJob(String side, CompletableFuture<?> run) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
        while (System.nanoTime() < deadline && !run.isDone()) {
            List<String> ids = SlurmCluster.jobsNamed(side);
            if (!ids.isEmpty()) return ids.get(0);
            Thread.sleep(200);
        }
        throw new AssertionError("no " + side + " job appeared in squeue" + (run.isDone() ? ": " + run.join() : ""));
    }

    /** Each case of comparison.json as text without what differs between any two runs (wall times, cache flags, the folder). */
    static List<String> judged(Path folder) throws Exception {
        JsonNode root = new ObjectMapper().readTree(folder.resolve("comparison.json").toFile());
        List<String> cases = new ArrayList<>();
        for (JsonNode c : root.get("cases")) {
            var kept = ((com.fasterxml.jackson.databind.node.ObjectNode) c.deepCopy());
            for (String side : List.of("baseline", "test")) {
                if (kept.get(side) instanceof com.fasterxml.jackson.databind.node.ObjectNode run) {
                    run.remove(List.of("wall_seconds", "from_cache"));
                }
            }
            cases.add(kept.toString().replace(folder.toString(), "<output folder>"));  // messages name their log
        }
        return cases;
    }

    /** A side's steps as loss, grad_norm and data fingerprint, the values' exact text. */
    static List<String> series(Path folder, String side) throws Exception {
        List<String> out = new ArrayList<>();
        try (var cases = Files.list(folder)) {
            for (Path dir : cases.filter(Files::isDirectory).sorted().toList()) {
                Path file = dir.resolve(side + ".jsonl");
                if (!Files.exists(file)) continue;
                for (String line : Files.readAllLines(file)) {
                    JsonNode n = new ObjectMapper().readTree(line);
                    if (n.has("step")) out.add(dir.getFileName() + " " + n.get("step") + " " + n.get("loss") + " " + n.get("grad_norm")
                            + " " + n.get("data_fingerprint"));
                }
            }
        }
        return out;
    }
}
