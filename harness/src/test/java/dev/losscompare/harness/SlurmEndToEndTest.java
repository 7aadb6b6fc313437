package dev.losscompare.harness;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.eclipse.jgit.api.Git;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The real trainer through a real Slurm against runs started locally: the six model cases of the
 * sign-off suite against their goldens (recorded locally), a case that FAILs (one commit changes
 * llama3's learning rate), diagnosed by traced re-runs that are jobs too, and a two-rank parity
 * case whose ranks srun starts.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@Timeout(value = 30, unit = TimeUnit.MINUTES)
class SlurmEndToEndTest {
    private static final String TINY = "--train-options=--training.seq_len=64 --training.local_batch_size=2";
    private static final List<String> MODEL_CASES = List.of("llama3", "llama3_flex", "llama4", "llama4_irope", "deepseek_v3", "deepseek_v3_flex");
    private static final Path CACHE = Path.of("target", "e2e-cache").toAbsolutePath();

    @TempDir
    static Path tmp;
    Path repoDir;
    Git git;

    @BeforeAll
    void cloneTheProject() throws Exception {
        SlurmCluster.require();
        repoDir = tmp.resolve("clone");
        git = ProjectFiles.cloneInto(repoDir);
        ProjectFiles.branch(git, "higher-lr");
        ProjectFiles.edit(repoDir, "configs/llama3_debug.toml", "lr = 8e-4", "lr = 9e-4");
        ProjectFiles.commit(git, "llama3: a higher learning rate");
        git.checkout().setName("main").call();  // the gate's working tree: the project as its goldens were recorded
    }

    @AfterAll
    void close() {
        if (git != null) git.close();
    }

    private HarnessRun run(String name, String... args) {
        return HarnessRun.in(repoDir, CACHE, tmp.resolve(name), args);
    }

    private String[] slurm(String... args) throws Exception {
        List<String> all = new java.util.ArrayList<>(List.of(args));
        all.add("--launcher=slurm");
        all.add("--shared-dir=" + Files.createDirectories(tmp.resolve("shared")));
        return all.toArray(String[]::new);
    }

    /**
     * The six model cases as jobs give the bits the goldens hold, which were trained locally (and
     * which .ci/run's own gate checks locally): each case PASSes bitwise, every training a job.
     */
    @Test
    void theSixModelCasesThroughSlurmGiveTheLocallyRecordedGoldensBitwise() throws Exception {
        HarnessRun cluster = run("gate-slurm", slurm("gate", "--cases=" + String.join(",", MODEL_CASES), "--no-cache"));
        assertEquals(0, cluster.exit(), cluster.toString());
        var cases = dev.losscompare.core.result.ComparisonJson.read(cluster.folder().resolve("comparison.json")).cases();
        assertEquals(MODEL_CASES, cases.stream().map(c -> c.name()).toList());
        for (var c : cases) {
            assertEquals("PASS", c.verdict().name(), c.name() + "\n" + cluster);
            assertEquals("bitwise", c.mode().describe(), c.name() + ": the same environment as the goldens'\n" + cluster);
            assertTrue(cluster.err().contains("(" + c.name() + "/test_training): COMPLETED"), c.name() + " was a job\n" + cluster);
        }
    }

    /**
     * A case that FAILs (the commit raised llama3's learning rate), through Slurm and locally: the
     * same verdict, diagnosis and bits on both sides, and the diagnosis's traced re-runs are jobs too.
     */
    @Test
    void aFailingCaseThroughSlurmGivesTheLocalVerdictDiagnosisAndBits() throws Exception {
        String[] args = {"main", "higher-lr", "--suite=configs/signoff.toml", "--cases=llama3", "--steps=2", TINY, "--no-cache"};
        HarnessRun local = run("llama3-local", args);
        HarnessRun cluster = run("llama3-slurm", slurm(args));
        assertEquals(1, local.exit(), local.toString());
        assertEquals(local.exit(), cluster.exit(), cluster.toString());
        List<String> judged = SlurmLauncherTest.judged(local.folder());
        assertEquals(1, judged.size());
        assertEquals(judged, SlurmLauncherTest.judged(cluster.folder()));
        for (String side : List.of("baseline", "test")) {
            assertEquals(SlurmLauncherTest.series(local.folder(), side), SlurmLauncherTest.series(cluster.folder(), side), side);
        }
        assertEquals(List.of("FAIL"), verdicts(cluster.folder()));
        assertTrue(cluster.err().contains("(llama3/diagnose/baseline_trace): submitted"), cluster.toString());
        assertTrue(cluster.err().contains("(llama3/test_training): COMPLETED"), cluster.toString());
    }

    @Test
    void aTwoRankParityCaseStartedBySrunEqualsTheLocalLaunchersRanks() throws Exception {
        String[] args = {"HEAD", "HEAD", "--suite=configs/parity.toml", "--cases=llama3", "--steps=2", "--no-cache"};
        HarnessRun local = run("parity-local", args);
        HarnessRun cluster = run("parity-slurm", slurm(args));
        assertEquals(0, local.exit(), local.toString());
        assertEquals(0, cluster.exit(), cluster.toString());
        assertEquals(SlurmLauncherTest.judged(local.folder()), SlurmLauncherTest.judged(cluster.folder()));
        assertEquals(SlurmLauncherTest.series(local.folder(), "test"), SlurmLauncherTest.series(cluster.folder(), "test"));
        assertTrue(cluster.err().contains("(llama3/test_training): submitted, 2 tasks"), cluster.toString());
        JsonNode meta = new ObjectMapper().readTree(Files.readAllLines(cluster.folder().resolve("llama3/test.jsonl")).get(0)).get("meta");
        assertEquals(2, meta.get("world_size").asInt(), meta.toString());
    }

    private static List<String> verdicts(Path folder) throws Exception {
        return dev.losscompare.core.result.ComparisonJson.read(folder.resolve("comparison.json")).cases().stream()
                .map(c -> c.verdict().name()).toList();
    }
}
