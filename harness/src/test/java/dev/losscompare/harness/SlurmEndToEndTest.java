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
 * The real trainer through a real Slurm against the same runs started locally: the six-case
 * sign-off (one commit changes llama3's learning rate, so two cases FAIL and are diagnosed by
 * traced re-runs, which are jobs too) and a two-rank parity case whose ranks srun starts.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@Timeout(value = 30, unit = TimeUnit.MINUTES)
class SlurmEndToEndTest {
    private static final String TINY = "--train-options=--training.seq_len=64 --training.local_batch_size=2";
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
        Path config = repoDir.resolve("configs/llama3_debug.toml");
        Files.writeString(config, Files.readString(config).replace("lr = 8e-4", "lr = 9e-4"));
        ProjectFiles.commit(git, "llama3: a higher learning rate");
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

    @Test
    void theSixCaseSuiteThroughSlurmGivesTheLocalVerdictsAndBits() throws Exception {
        // The six model cases (the suite's resume case is the resume check's, tested on its own).
        String[] args = {"HEAD~1", "HEAD", "--suite=configs/signoff.toml",
            "--cases=llama3,llama3_flex,llama4,llama4_irope,deepseek_v3,deepseek_v3_flex", "--steps=2", TINY, "--no-cache"};
        HarnessRun local = run("suite-local", args);
        HarnessRun cluster = run("suite-slurm", slurm(args));
        assertEquals(1, local.exit(), local.toString());
        assertEquals(local.exit(), cluster.exit(), cluster.toString());
        List<String> judged = SlurmLauncherTest.judged(local.folder());
        assertEquals(6, judged.size());
        assertEquals(judged, SlurmLauncherTest.judged(cluster.folder()));
        for (String side : List.of("baseline", "test")) {
            assertEquals(SlurmLauncherTest.series(local.folder(), side), SlurmLauncherTest.series(cluster.folder(), side), side);
        }
        assertEquals(2, verdicts(cluster.folder()).stream().filter("FAIL"::equals).count(), verdicts(cluster.folder()).toString());
        // Every run was a job; the diagnosis's traced re-runs too.
        assertTrue(cluster.err().contains("(llama3/diagnose/baseline_trace): submitted"), cluster.toString());
        assertTrue(cluster.err().contains("(deepseek_v3_flex/test_training): COMPLETED"), cluster.toString());
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
