package dev.losscompare.harness;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.losscompare.core.result.Comparison;
import dev.losscompare.core.result.ComparisonJson;
import dev.losscompare.core.result.Environments;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.attribute.PosixFilePermissions;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.eclipse.jgit.api.Git;
import org.eclipse.jgit.lib.PersonIdent;
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

    /**
     * gate and bisect build and train their test side in the environment named, in a tree of its
     * own (calibrate's --baseline-env: docs/environments.md's libtorch sign-off).
     */
    @Test
    void gateAndBisectRunTheirTestSideInTheNamedEnvironment() throws Exception {
        try (FixtureRepo r = repo()) {
            String env27 = "environment: torch-2.7 (libtorch 2.7.1-1.5.12; env OMP_NUM_THREADS=1)";
            FixtureRepo.Result update = r.run("gate", "--update", "--suite=signoff.toml");
            assertEquals(0, update.exit(), update.toString());
            FixtureRepo.Result gate = r.run("gate", "--suite=signoff.toml", "--test-env=torch-2.7");
            assertTrue(gate.out().contains("test " + env27), gate.out());
            assertEquals(0, gate.exit(), gate.toString());
            assertTrue(gate.out().contains("environments: baseline default, test torch-2.7; they differ in ")
                    && gate.out().contains("torch_version unknown -> 2.7.1"), gate.out());
            assertTrue(builtInAnEnvironmentsTree(r), "the gate built in torch-2.7's tree: " + r.calls());

            r.write("README.md", "another commit\n");
            r.commit("docs only");
            FixtureRepo.Result bisect = r.run("bisect", "HEAD~1", "HEAD", "--suite=signoff.toml", "--steps=2", "--test-env=torch-2.7");
            assertEquals(0, bisect.exit(), bisect.toString());
            assertTrue(bisect.out().contains("test " + env27), bisect.out());
        }
    }

    /** Whether a --build-only call built in an environment's own tree (revisions/<key>-env-<hash>/). */
    private static boolean builtInAnEnvironmentsTree(FixtureRepo r) throws Exception {
        return r.calls().stream().anyMatch(l -> l.endsWith("--build-only") && l.contains("-env-"));
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
            // the verbs with one environment to choose refuse the other
            assertRefused(r, "--test-env has no effect with calibrate", "calibrate", "HEAD", "--suite=signoff.toml", "--test-env=torch-2.7");
            assertRefused(r, "--baseline-env does not apply to gate: its baseline is the recorded goldens", "gate", "--suite=signoff.toml",
                    "--baseline-env=torch-2.7");
            assertRefused(r, "--baseline-env cannot be combined with --against-goldens", "bisect", "HEAD~1", "HEAD", "--suite=signoff.toml",
                    "--against-goldens", "--baseline-env=torch-2.7");
            assertTrue(r.calls().isEmpty(), "nothing was built or trained: " + r.calls());
        }
    }

    /**
     * Two environments of a nanoGPT-style trainer that differ as two venvs would: a wrapper script
     * (the command prefix) that sets another OpenBLAS kernel. What each side ran is read from its
     * interpreter, through the prefix, not from the tables.
     */
    @Test
    void aPythonTrainersEnvironmentsAreReadThroughTheirWrapper() throws Exception {
        assumeTrue(NanoGptStyleTrainerTest.pythonTorch(), NanoGptStyleTrainerTest.DEBIAN_PYTHON + " has no torch (CI installs python3-torch)");
        Path repo = Files.createDirectories(tmp.resolve("gpt"));
        try (Git git = Git.init().setDirectory(repo.toFile()).setInitialBranch("master").call()) {
            for (String f : List.of("train.py", "prepare.py", "config/train_tiny.py", "gitignore")) {
                try (InputStream in = getClass().getResourceAsStream("/fixture/nanogpt/" + f)) {
                    Path to = repo.resolve(f.equals("gitignore") ? ".gitignore" : f);
                    Files.createDirectories(to.getParent());
                    Files.write(to, in.readAllBytes());
                }
            }
            Files.writeString(repo.resolve("loss_compare.toml"), "[trainer]\npreset = \"command\"\ncommand = [\""
                    + NanoGptStyleTrainerTest.DEBIAN_PYTHON + "\", \"train.py\"]\n"
                    + "args = [\"{config}\", \"--max_iters={steps}\", \"--seed={seed}\", \"--threads={threads}\"]\n"
                    + "from_working_tree = [\"data/\"]\nseed = \"none\"\nmetrics = \"log\"\n"
                    + "line_pattern = 'iter (?<step>\\d+): loss (?<loss>[0-9.]+)'\nstep_offset = 1\n\n"
                    + "[[case]]\nname = \"tiny_gpt\"\nconfig = \"config/train_tiny.py\"\n\n"
                    + "[environment.haswell]\ncommand_prefix = [\"./blas.sh\", \"Haswell\"]\n\n"
                    + "[environment.prescott]\ncommand_prefix = [\"./blas.sh\", \"Prescott\"]\n");
            Path wrapper = repo.resolve("blas.sh");
            Files.writeString(wrapper, "#!/bin/sh\n# as another venv would: its own BLAS kernel\nexport OPENBLAS_CORETYPE=\"$1\"\nshift\nexec \"$@\"\n");
            Files.setPosixFilePermissions(wrapper, PosixFilePermissions.fromString("rwxr-xr-x"));
            git.add().addFilepattern(".").call();
            PersonIdent who = new PersonIdent("t", "t@example.invalid");
            git.commit().setMessage("a tiny GPT").setAuthor(who).setCommitter(who).setSign(false).call();
            Process prepare = new ProcessBuilder(NanoGptStyleTrainerTest.DEBIAN_PYTHON.toString(), "prepare.py").directory(repo.toFile())
                    .redirectErrorStream(true).start();
            prepare.getInputStream().readAllBytes();
            assertTrue(prepare.waitFor(2, TimeUnit.MINUTES) && prepare.exitValue() == 0, "prepare.py");

            HarnessRun r = HarnessRun.in(repo, tmp.resolve("cache"), tmp.resolve("out"), "HEAD", "HEAD", "--suite=loss_compare.toml",
                    "--steps=3", "--baseline-env=haswell", "--test-env=prescott");
            assertTrue(r.exit() == 0 || r.exit() == 1, r.toString());
            assertTrue(r.line("environments: ").startsWith("environments: baseline haswell, test prescott; they differ in"
                    + " blas_core Haswell -> Prescott"), r.toString());
            Environments e = ComparisonJson.read(r.folder().resolve("comparison.json")).environments();
            for (var facts : List.of(e.baseline(), e.test())) {
                assertTrue(facts.get("python_version").matches("3\\.\\d+\\.\\d+") && facts.get("torch_version") != null, facts.toString());
            }
            assertEquals(List.of("blas_core"), e.differences().stream().map(Environments.FactDifference::fact).toList());
        }
    }

    private static void assertRefused(FixtureRepo r, String option, String message) throws Exception {
        FixtureRepo.Result run = assertRefused(r, message, "HEAD", "HEAD", "--suite=signoff.toml", "--steps=2", option);
        assertFalse(Files.exists(run.folder()), "no output folder is claimed: " + run.folder());
    }

    private static FixtureRepo.Result assertRefused(FixtureRepo r, String message, String... args) {
        FixtureRepo.Result run = r.run(args);
        assertEquals(2, run.exit(), run.toString());
        assertEquals(1, run.err().strip().lines().count(), run.err());
        assertTrue(run.err().contains(message), run.err());
        return run;
    }
}
