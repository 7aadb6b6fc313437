package dev.losscompare.harness;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.losscompare.core.result.CaseResult;
import dev.losscompare.core.result.Comparison;
import dev.losscompare.core.result.ComparisonJson;
import dev.losscompare.core.result.MetricResult;
import dev.losscompare.core.result.Verdict;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Whole comparisons against the scripted fixture trainer: verdicts, exit codes, every failure path. */
class CompareFixtureTest {
    @TempDir
    Path tmp;
    FixtureRepo repo;

    @BeforeEach
    void setUp() throws Exception {
        repo = FixtureRepo.create(tmp);
    }

    @AfterEach
    void tearDown() {
        repo.close();
    }

    private static Comparison comparison(FixtureRepo.Result r) throws Exception {
        return ComparisonJson.read(r.folder().resolve("comparison.json"));
    }

    private static MetricResult metric(Comparison c, String name) {
        return c.cases().get(0).metrics().stream().filter(m -> m.metric().equals(name)).findFirst().orElseThrow();
    }

    @Test
    void pureRefactorPassesWithExitZeroAndPrintsTheReportPathLast() throws Exception {
        repo.write("README.md", "renamed a local variable\n");
        repo.commit("refactor");
        FixtureRepo.Result r = repo.run("HEAD~1", "HEAD", "--steps=5");
        assertEquals(0, r.exit(), r.toString());
        assertEquals("PASS llama3 debugmodel: loss, grad_norm identical over 5 steps", r.verdict(), r.toString());
        assertEquals("report: " + r.folder().resolve("report.html"), r.lastOutLine());
        Comparison c = comparison(r);
        assertEquals(Verdict.PASS, c.overall());
        assertEquals("HEAD~1", c.baseline().spec());
        assertEquals(repo.git.getRepository().resolve("HEAD").name(), c.test().commitId());
        CaseResult cr = c.cases().get(0);
        for (String f : List.of(cr.baseline().metricsFile(), cr.baseline().logFile(), cr.test().metricsFile(), cr.test().logFile())) {
            assertTrue(Files.isRegularFile(r.folder().resolve(f)), f);
        }
        assertEquals("llama3_debugmodel/baseline.jsonl", cr.baseline().metricsFile());
        assertEquals("llama3_debugmodel/test_training.log", cr.test().logFile());
        assertTrue(r.out().contains("Step-by-step loss comparison:"), r.out());
    }

    @Test
    void learningRateChangeFailsAtStepTwoWithExitOne() throws Exception {
        repo.write("lr.txt", "0.2\n");
        repo.commit("raise lr");
        FixtureRepo.Result r = repo.run("HEAD~1", "HEAD", "--steps=5");
        assertEquals(1, r.exit(), r.toString());
        // loss 8 - 0.1 = 7.9 vs 8 - 0.2 = 7.8 at step 2; grad_norm 1.52 vs 1.54.
        assertTrue(r.verdict().startsWith("FAIL llama3 debugmodel: loss differs from step 2 (max rel diff "), r.verdict());
        assertTrue(r.verdict().contains("grad_norm differs from step 1"), r.verdict());
        Comparison c = comparison(r);
        MetricResult loss = metric(c, "loss");
        assertEquals(Verdict.FAIL, loss.verdict());
        assertEquals(2, loss.firstDivergentStep());
        assertEquals(7.9, loss.baselineAtDivergence(), 1e-12);
        assertEquals(7.8, loss.testAtDivergence(), 1e-12);
        assertEquals(0.4, loss.maxAbsDiff(), 1e-9);         // step 5: 7.6 vs 7.2
        assertEquals(0.4 / 7.6, loss.maxRelDiff(), 1e-9);
        assertEquals((0 + 0.1 + 0.2 + 0.3 + 0.4) / 5, loss.meanAbsDiff(), 1e-9);
        assertTrue(r.out().contains("<- first divergence"), r.out());
    }

    @Test
    void toleranceModeAcceptsSmallDifferencesAndRejectsLargerOnes() throws Exception {
        repo.write("lr.txt", "0.1000001\n");
        repo.commit("tiny change");
        FixtureRepo.Result bitwise = repo.run("HEAD~1", "HEAD", "--steps=4");
        assertEquals(1, bitwise.exit(), bitwise.toString());
        FixtureRepo.Result loose = repo.run("HEAD~1", "HEAD", "--steps=4", "--atol=1e-5");
        assertEquals(0, loose.exit(), loose.toString());
        assertTrue(loose.verdict().startsWith("PASS llama3 debugmodel: loss, grad_norm within atol=1.0e-05 rtol=0.0e+00 over 4 steps"), loose.verdict());
        FixtureRepo.Result relative = repo.run("HEAD~1", "HEAD", "--steps=4", "--rtol=1e-9");
        assertEquals(1, relative.exit(), relative.toString());
        assertEquals("tolerance", comparison(relative).mode().kind());
    }

    @Test
    void badRevisionIsExitTwoWithOneLineAndNoOutputFolder() {
        FixtureRepo.Result r = repo.run("HEAD", "no-such-branch");
        assertEquals(2, r.exit(), r.toString());
        assertTrue(r.err().startsWith("loss_compare: unknown revision 'no-such-branch' in "), r.err());
        assertEquals(1, r.err().strip().lines().count(), r.err());
        assertFalse(Files.exists(r.folder()), "no output folder for a run that never started");
    }

    @Test
    void buildFailureIsExitTwoNamingTheRevisionAndTheLog() throws Exception {
        repo.write("build_fails.txt", "yes\n");
        repo.commit("break the build");
        FixtureRepo.Result r = repo.run("HEAD~1", "HEAD", "--steps=3");
        assertEquals(2, r.exit(), r.toString());
        assertTrue(r.verdict().startsWith("ERROR llama3 debugmodel: build of HEAD ("), r.verdict());
        assertTrue(r.verdict().contains("failed (exit 4): error: Broken.java:3: ';' expected; log: "), r.verdict());
        Path log = r.folder().resolve("test_build.log");
        assertTrue(r.verdict().endsWith(log.toString()), r.verdict());
        assertTrue(Files.readString(log).contains("Broken.java"));
        assertEquals(Verdict.ERROR, comparison(r).overall());
        // A failed build is not remembered as built: the next run tries again.
        repo.run("HEAD~1", "HEAD", "--steps=3");
        assertEquals(3, repo.buildCalls()); // base once (then cached), broken twice
    }

    @Test
    void crashIsExitTwoWithTheTrainersLineAndLogPath() throws Exception {
        FixtureRepo.Result r = repo.run("HEAD", "HEAD", "--steps=5", "--test-train-options=--fixture.crash_at=3");
        assertEquals(2, r.exit(), r.toString());
        Path log = r.folder().resolve("llama3_debugmodel/test_training.log");
        assertEquals("ERROR llama3 debugmodel: test run crashed (exit 1): error: RuntimeException: boom at step 3; log: " + log, r.verdict());
        assertTrue(r.err().contains(r.verdict()), "the ERROR reason goes to stderr");
        Comparison c = comparison(r);
        assertEquals(Verdict.ERROR, c.cases().get(0).verdict());
        assertTrue(c.cases().get(0).metrics().stream().allMatch(m -> m.verdict() == Verdict.ERROR), "no metric of a crashed run passes");
        assertEquals(1, c.cases().get(0).test().exitCode());
    }

    @Test
    void timeoutKillsTheTrainerAndItsChildrenAndIsExitTwo() throws Exception {
        long start = System.nanoTime();
        FixtureRepo.Result r = repo.run("HEAD", "HEAD", "--steps=5", "--timeout=2s", "--jobs=1",
                "--test-train-options=--fixture.sleep=30 --fixture.spawn_child=1");
        double seconds = (System.nanoTime() - start) / 1e9;
        assertEquals(2, r.exit(), r.toString());
        assertTrue(r.verdict().startsWith("ERROR llama3 debugmodel: test run timed out after 2 s at step 0 of 5; log: "), r.verdict());
        assertTrue(seconds < 20, "stopped at the timeout, not after the run: " + seconds);
        assertNoneAlive(repo.cache.resolve("trainer.pid"));
        assertNoneAlive(repo.cache.resolve("child.pid"));
    }

    /** Every pid listed in the file (one per line, written by the fixture) has exited. */
    static void assertNoneAlive(Path pidFile) throws Exception {
        List<String> pids = Files.readAllLines(pidFile);
        assertFalse(pids.isEmpty());
        for (String pid : pids) {
            assertFalse(ProcessHandle.of(Long.parseLong(pid.strip())).map(ProcessHandle::isAlive).orElse(false),
                    pidFile.getFileName() + " " + pid + " still running");
        }
    }

    @Test
    void nanInTheTestRunIsAFailAtThatStep() throws Exception {
        FixtureRepo.Result r = repo.run("HEAD", "HEAD", "--steps=5", "--test-train-options=--fixture.nan_at=3");
        assertEquals(1, r.exit(), r.toString());
        assertTrue(r.verdict().startsWith("FAIL llama3 debugmodel: loss differs from step 3 (test is NaN)"), r.verdict());
        assertTrue(r.verdict().contains("test run stopped at step 3: loss or grad_norm is not finite (exit 3)"), r.verdict());
        assertEquals(3, metric(comparison(r), "loss").firstDivergentStep());
    }

    @Test
    void nanOnBothSidesIsNeverAPass() throws Exception {
        FixtureRepo.Result r = repo.run("HEAD", "HEAD", "--steps=5", "--train-options=--fixture.nan_at=2");
        assertEquals(2, r.exit(), r.toString());
        assertTrue(r.verdict().startsWith("ERROR llama3 debugmodel: "), r.verdict());
        assertTrue(r.verdict().contains("not finite"), r.verdict());
        assertEquals(Verdict.ERROR, metric(comparison(r), "loss").verdict());
    }

    @Test
    void aMissingStepInTheTestRunFails() throws Exception {
        FixtureRepo.Result r = repo.run("HEAD", "HEAD", "--steps=5", "--test-train-options=--fixture.skip_step=4");
        assertEquals(1, r.exit(), r.toString());
        assertEquals("FAIL llama3 debugmodel: step 4 missing in test", r.verdict());
        assertEquals(4, metric(comparison(r), "loss").firstDivergentStep());
    }

    @Test
    void anExtraStepInTheTestRunFails() throws Exception {
        FixtureRepo.Result r = repo.run("HEAD", "HEAD", "--steps=5", "--test-train-options=--fixture.extra_step=1");
        assertEquals(1, r.exit(), r.toString());
        assertEquals("FAIL llama3 debugmodel: step 6 only in test", r.verdict());
    }

    @Test
    void theSameStepMissingOnBothSidesIsAnErrorNotAPass() throws Exception {
        FixtureRepo.Result r = repo.run("HEAD", "HEAD", "--steps=5", "--train-options=--fixture.skip_step=2");
        assertEquals(2, r.exit(), r.toString());
        assertEquals("ERROR llama3 debugmodel: both series have 4 steps, expected steps 1..5", r.verdict());
    }

    @Test
    void aTruncatedSeriesIsUnreadableAndExitTwo() throws Exception {
        FixtureRepo.Result r = repo.run("HEAD", "HEAD", "--steps=5", "--baseline-train-options=--fixture.truncate=1");
        assertEquals(2, r.exit(), r.toString());
        assertTrue(r.verdict().startsWith("ERROR llama3 debugmodel: baseline series is unreadable: "), r.verdict());
        assertTrue(r.verdict().contains("baseline.jsonl:6: not a JSON object"), r.verdict());
    }

    @Test
    void changedInputsAreReportedAsADataPipelineChange() throws Exception {
        FixtureRepo.Result r = repo.run("HEAD", "HEAD", "--steps=5", "--test-train-options=--fixture.fingerprint_shift=2 --fixture.x=1");
        assertTrue(r.verdict().contains("inputs diverged at step 2 (data_fingerprint differs: a data-pipeline change, not the model)"), r.verdict());
        assertEquals(2, comparison(r).cases().get(0).inputsDivergeAtStep());
    }

    @Test
    void anUnknownMetricIsAnErrorListingTheAvailableOnes() throws Exception {
        FixtureRepo.Result r = repo.run("HEAD", "HEAD", "--steps=3", "--metrics=loss,tps");
        assertEquals(2, r.exit(), r.toString());
        assertTrue(r.verdict().contains("no metric 'tps' in the baseline series (it has: grad_norm, loss, lr)"), r.verdict());
        // The loss agreed, and says so, but in a case that could not be decided no metric is a PASS.
        MetricResult loss = metric(comparison(r), "loss");
        assertEquals(Verdict.ERROR, loss.verdict());
        assertTrue(loss.message().startsWith("loss identical over 3 steps, but the case could not be decided"), loss.message());
    }

    @Test
    void seedCheckpointMakesDifferentInitializationCompareEqual() throws Exception {
        repo.write("init.txt", "2\n");  // a refactor that builds the weights differently
        repo.commit("reorder construction");
        FixtureRepo.Result seeded = repo.run("HEAD~1", "HEAD", "--steps=4");
        assertEquals(0, seeded.exit(), seeded.toString());
        assertTrue(Files.readString(seeded.folder().resolve("llama3_debugmodel/seed_checkpoint.log")).contains("seed checkpoint written"));
        assertFalse(Files.exists(seeded.folder().resolve("llama3_debugmodel/seed_checkpoint.safetensors")), "temporary weights removed");
        // The baseline created the checkpoint, both sides loaded it.
        List<String> calls = repo.calls();
        assertEquals(2, calls.stream().filter(l -> l.contains("--checkpoint.initial_load_path=")).count());
        String baseTree = "tree-" + repo.git.getRepository().resolve("HEAD~1^{tree}").name();
        List<String> seeds = calls.stream().filter(l -> l.contains("--checkpoint.create_seed_checkpoint")).toList();
        assertEquals(1, seeds.stream().filter(l -> l.contains(baseTree) && !l.contains("/diagnose/")).count(), calls.toString());
        // The test revision writes its own only to check its initialization (never loaded by a run),
        // and the case says so: the fixture's checkpoint is not safetensors, so it cannot be compared.
        assertEquals(1, seeds.stream().filter(l -> !l.contains(baseTree) && l.contains("/diagnose/test_own_init.safetensors")).count(),
                calls.toString());
        assertTrue(seeded.out().contains("note for llama3 debugmodel: the test revision's own initialization could not be compared"),
                seeded.toString());

        FixtureRepo.Result unseeded = repo.run("HEAD~1", "HEAD", "--steps=4", "--no-seed-checkpoint");
        assertEquals(1, unseeded.exit(), unseeded.toString());
        assertTrue(unseeded.verdict().startsWith("FAIL llama3 debugmodel: loss differs from step 1"), unseeded.verdict());
    }

    @Test
    void aTestRevisionThatCannotLoadTheSeedSuggestsNoSeedCheckpoint() throws Exception {
        FixtureRepo.Result r = repo.run("HEAD", "HEAD", "--steps=3", "--test-train-options=--fixture.reject_seed=1");
        assertEquals(2, r.exit(), r.toString());
        assertTrue(r.verdict().startsWith("ERROR llama3 debugmodel: the test revision could not load the baseline's seed checkpoint: "
                + "error: checkpoint "), r.verdict());
        assertTrue(r.verdict().contains("rerun with --no-seed-checkpoint"), r.verdict());
    }

    @Test
    void aBaselineThatCannotWriteASeedSaysSo() throws Exception {
        FixtureRepo.Result r = repo.run("HEAD", "HEAD", "--steps=3", "--baseline-train-options=--fixture.no_seed=1");
        assertEquals(2, r.exit(), r.toString());
        assertTrue(r.verdict().contains("the baseline revision could not write a seed checkpoint (exit 2): error: unknown key"), r.verdict());
        assertTrue(r.verdict().contains("--no-seed-checkpoint"), r.verdict());
    }

    @Test
    void optionsReachTheTrainerAsSeparateWordsInOrder() throws Exception {
        FixtureRepo.Result r = repo.run("HEAD", "HEAD", "--steps=2", "--seed=7", "--threads=1",
                "--train-options=--job.description='two words' --a=\"x \\\"y\\\"\"",
                "--baseline-train-options=--b=1", "--test-train-options=--c=$HOME;rm\\ -rf");
        assertEquals(0, r.exit(), r.toString());
        String baseLog = Files.readString(r.folder().resolve("llama3_debugmodel/baseline_training.log"));
        String testLog = Files.readString(r.folder().resolve("llama3_debugmodel/test_training.log"));
        assertTrue(baseLog.contains("arg: [--config=configs/llama3_debug.toml]\narg: [--training.steps=2]\narg: [--debug.seed=7]\n"
                + "arg: [--debug.deterministic=true]\narg: [--training.num_threads=1]\n"
                + "arg: [--job.description=two words]\narg: [--a=x \"y\"]\narg: [--b=1]\narg: [--metrics.path="), baseLog);
        assertFalse(baseLog.contains("--c="), baseLog);
        assertTrue(testLog.contains("arg: [--a=x \"y\"]\narg: [--c=$HOME;rm -rf]\n"), testLog);
    }

    @Test
    void exportThenImportComparesARunWithTheSavedLosses() throws Exception {
        Path exported = tmp.resolve("losses.txt");
        FixtureRepo.Result ex = repo.run("HEAD", "--steps=4", "--export-result=" + exported);
        assertEquals(0, ex.exit(), ex.toString());
        assertEquals(List.of("1 8.0", "2 7.9", "3 7.8", "4 7.7"), Files.readAllLines(exported));
        assertEquals(1, repo.calls().stream().filter(l -> l.contains("--metrics.path=")).count(), "baseline only");

        FixtureRepo.Result same = repo.run(".", ".", "--steps=4", "--assert-equal", "--import-result=" + exported);
        assertEquals(0, same.exit(), same.toString());
        assertEquals("PASS llama3 debugmodel: loss identical over 4 steps", same.verdict());
        assertEquals(dev.losscompare.core.result.ComparisonKind.IMPORT, comparison(same).kind());

        repo.write("lr.txt", "0.3\n");
        repo.commit("lr");
        FixtureRepo.Result changed = repo.run("HEAD", "--steps=4", "--import-result=" + exported);
        assertEquals(1, changed.exit(), changed.toString());
        assertTrue(changed.verdict().startsWith("FAIL llama3 debugmodel: loss differs from step 2"), changed.verdict());
    }

    @Test
    void aMissingConfigIsExitTwo() {
        FixtureRepo.Result r = repo.run("HEAD", "HEAD", "--config=configs/nope.toml");
        assertEquals(2, r.exit(), r.toString());
        assertTrue(r.err().startsWith("loss_compare: config configs/nope.toml does not exist in revision HEAD ("), r.err());
    }

    @Test
    void reportSubcommandRerendersASavedFolder() throws Exception {
        FixtureRepo.Result r = repo.run("HEAD", "HEAD", "--steps=2");
        assertEquals(0, r.exit(), r.toString());
        List<String> outputs = List.of("comparison.json", "report.html", "junit.xml", "summary.md");
        java.util.Map<String, String> before = new java.util.HashMap<>();
        for (String f : outputs) before.put(f, Files.readString(r.folder().resolve(f)));
        for (String f : List.of("report.html", "junit.xml", "summary.md")) Files.delete(r.folder().resolve(f));
        FixtureRepo.Result re = repo.run("report", r.folder().toString());
        assertEquals(0, re.exit(), re.toString());
        assertEquals("report: " + r.folder().resolve("report.html"), re.lastOutLine());
        for (String f : outputs) assertEquals(before.get(f), Files.readString(r.folder().resolve(f)), f + " re-rendered differently");
        FixtureRepo.Result none = repo.run("report", tmp.toString());
        assertEquals(2, none.exit());
        assertTrue(none.err().contains("no comparison.json in"), none.err());
    }

    @Test
    void outputFolderDefaultsToATimestampedFolderUnderTheCwd() throws Exception {
        Path cwd = Files.createDirectories(tmp.resolve("elsewhere"));
        var o = new java.io.ByteArrayOutputStream();
        var ps = new java.io.PrintStream(o, true);
        int exit = Main.execute(new Console(cwd, java.util.Map.of("LOSS_COMPARE_CACHE", repo.cache.toString()), ps, ps, false),
                "--repo=" + repo.dir, "HEAD", ".", "--steps=2");
        assertEquals(0, exit, o.toString());
        try (var dirs = Files.list(cwd.resolve("loss_compare"))) {
            Path folder = dirs.findFirst().orElseThrow();
            assertTrue(folder.getFileName().toString().matches("\\d{8}T\\d{6}Z-HEAD-vs-worktree"), folder.toString());
            assertTrue(Files.exists(folder.resolve("comparison.json")));
            assertTrue(o.toString().strip().endsWith("report: " + Path.of("loss_compare").resolve(folder.getFileName()).resolve("report.html")), o.toString());
        }
    }
}
