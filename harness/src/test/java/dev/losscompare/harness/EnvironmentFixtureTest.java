package dev.losscompare.harness;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.losscompare.core.result.Comparison;
import dev.losscompare.core.result.ComparisonJson;
import dev.losscompare.core.result.Environments;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Named environments on the scripted fixture trainer (which reports the libtorch it was built with,
 * as the real one does): an upgrade signed off on one revision (HEAD against HEAD), each side built
 * in a tree of its own with its Maven properties, the facts' differences heading every output, the
 * result cache keyed on the environment; and bad input, each one line and exit 2 before anything
 * is materialized or trained.
 */
@Timeout(value = 5, unit = TimeUnit.MINUTES)
class EnvironmentFixtureTest {
    private static final String SUITE = """
            [[case]]
            name = "llama3"
            config = "configs/llama3_debug.toml"

            [environment."torch-2.7"]
            libtorch = "2.7.1-1.5.12"
            env = { OMP_NUM_THREADS = "1" }

            [environment."torch-2.10"]
            libtorch = "2.10.0-1.5.13"

            [environment.missing-wrapper]
            command_prefix = ["./no-such-wrapper.sh"]

            [environment.failing-wrapper]
            command_prefix = ["/bin/sh", "-c", "echo container image not found >&2; exit 3", "wrapper"]

            [environment.unserved]
            libtorch = "0.0.1-0.0.1"
            """;

    @TempDir
    Path tmp;

    private FixtureRepo repo() throws Exception {
        FixtureRepo r = FixtureRepo.create(tmp);
        r.write("signoff.toml", SUITE);
        r.commit("suite with environments");
        return r;
    }

    @Test
    void anUpgradeOnOneRevisionBuildsEachSideApartAndEveryOutputSaysWhatDiffers() throws Exception {
        try (FixtureRepo r = repo()) {
            // one run at a time: the test side would find the baseline's run in the cache if its key ignored the environment
            FixtureRepo.Result run = r.run("HEAD", "HEAD", "--suite=signoff.toml", "--steps=3", "--jobs=1", "--baseline-env=torch-2.7",
                    "--test-env=torch-2.10");
            assertEquals(0, run.exit(), run.toString());
            String headline = "environments: baseline torch-2.7, test torch-2.10; they differ in torch_version 2.7.1 -> 2.10.0";
            assertTrue(run.out().contains("baseline environment: torch-2.7 (libtorch 2.7.1-1.5.12; env OMP_NUM_THREADS=1)"), run.out());
            assertTrue(run.out().contains(headline + "\nPASS llama3"), "the headline precedes the verdicts:\n" + run.out());
            // one revision, two builds: each in a tree of its own, with its environment's libtorch
            List<String> builds = r.calls().stream().filter(l -> l.endsWith("--build-only")).toList();
            assertEquals(2, builds.size(), builds.toString());
            assertNotEquals(builds.get(0).split(" ")[1], builds.get(1).split(" ")[1], builds.toString());
            assertTrue(Files.readString(run.folder().resolve("baseline_build.log")).contains("with pytorch.version=2.7.1-1.5.12"));
            assertTrue(Files.readString(run.folder().resolve("test_build.log")).contains("with pytorch.version=2.10.0-1.5.13"));

            Comparison c = ComparisonJson.read(run.folder().resolve("comparison.json"));
            Environments e = c.environments();
            assertEquals(List.of(new Environments.FactDifference("torch_version", "2.7.1", "2.10.0")), e.differences());
            assertEquals("bitwise", c.modeUsed());   // an environment change that moved nothing is still said bitwise
            assertTrue(Files.readString(run.folder().resolve("summary.md")).contains(headline));
            assertTrue(Files.readString(run.folder().resolve("junit.xml")).contains("name=\"environments\" value=\"" + headline.replace(">", "&gt;") + "\""));
            assertTrue(Files.readString(run.folder().resolve("report.html")).contains("id=\"environments\">" + headline.replace(">", "&gt;")));

            assertFalse(c.cases().get(0).test().fromCache(), "the result cache keys on the environment");
            FixtureRepo.Result again = r.run("HEAD", "HEAD", "--suite=signoff.toml", "--steps=3", "--baseline-env=torch-2.7",
                    "--test-env=torch-2.10");
            var only = ComparisonJson.read(again.folder().resolve("comparison.json")).cases().get(0);
            assertTrue(only.baseline().fromCache() && only.test().fromCache(), again.toString());
            assertTrue(again.out().contains(headline), "facts of cached runs are their runs' own: " + again.out());
            // and without environments nothing is said of them
            FixtureRepo.Result plain = r.run("HEAD", "HEAD", "--suite=signoff.toml", "--steps=3");
            assertFalse(plain.out().contains("environments:"), plain.out());
            assertFalse(Files.readString(plain.folder().resolve("comparison.json")).contains("\"environments\""));
        }
    }

    @Test
    void badEnvironmentsAreOneLineAndExitTwoBeforeAnythingRuns() throws Exception {
        try (FixtureRepo r = repo()) {
            assertRefused(r, "--test-env=torch-3", "--test-env=torch-3: no [environment.torch-3] in the suite (declared: torch-2.7, torch-2.10,");
            assertRefused(r, "--test-env=missing-wrapper", "--test-env=missing-wrapper: command_prefix runs " + r.dir.toAbsolutePath()
                    + "/no-such-wrapper.sh, which does not exist or is not executable");
            assertRefused(r, "--baseline-env=failing-wrapper", "--baseline-env=failing-wrapper: the command prefix [/bin/sh, -c, echo container"
                    + " image not found >&2; exit 3, wrapper] does not run: with it, true exited 3 (container image not found)");
            assertRefused(r, "--test-env=unserved", "--test-env=unserved: libtorch 0.0.1-0.0.1 (org.bytedeco:pytorch-platform:0.0.1-0.0.1)"
                    + " cannot be fetched by Maven");
            assertTrue(r.calls().isEmpty(), "nothing was built or trained: " + r.calls());
        }
    }

    private static void assertRefused(FixtureRepo r, String option, String message) throws Exception {
        FixtureRepo.Result run = r.run("HEAD", "HEAD", "--suite=signoff.toml", "--steps=2", option);
        assertEquals(2, run.exit(), run.toString());
        assertEquals(1, run.err().strip().lines().count(), run.err());
        assertTrue(run.err().contains(message), run.err());
        assertFalse(Files.exists(run.folder()), "no output folder is claimed: " + run.folder());
    }
}
