package dev.losscompare.harness;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.losscompare.core.result.Comparison;
import dev.losscompare.core.result.ComparisonJson;
import dev.losscompare.core.result.Verdict;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.IntConsumer;
import java.util.stream.StreamSupport;
import org.eclipse.jgit.revwalk.RevCommit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * bisect against the scripted fixture trainer: a 32-commit history (commit 0 the base, commits
 * 1..31 on top) in which one commit raises the learning rate, so its loss moves from step 2.
 */
class BisectFixtureTest {
    static final int CULPRIT = 19;

    @TempDir
    Path tmp;
    FixtureRepo repo;
    /** commits.get(k) is commit k; 0 is the base. */
    List<RevCommit> commits;

    @BeforeEach
    void setUp() throws Exception {
        repo = FixtureRepo.create(tmp);
    }

    @AfterEach
    void tearDown() {
        repo.close();
    }

    /** Commits 1..31 on top of the base; {@code tweak} may write more files into commit k before it is made. */
    private void history(int culprit, IntConsumer tweak) throws Exception {
        commits = new ArrayList<>();
        commits.add(repo.git.log().setMaxCount(1).call().iterator().next());
        for (int k = 1; k <= 31; k++) {
            repo.write("history.txt", "commit " + k + "\n");
            if (k == culprit) repo.write("lr.txt", "0.2\n");
            tweak.accept(k);
            commits.add(repo.commit(k == culprit ? "commit " + k + ": raise the learning rate" : "commit " + k + ": refactor"));
        }
    }

    private String sha(int k) {
        return commits.get(k).name();
    }

    private static JsonNode bisectJson(FixtureRepo.Result r) throws Exception {
        return ComparisonJson.MAPPER.readTree(r.folder().resolve("bisect.json").toFile());
    }

    private static List<JsonNode> probes(JsonNode json) {
        return StreamSupport.stream(json.get("probes").spliterator(), false).toList();
    }

    /** Training runs and seed checkpoints the fixture trainer was started for (builds excluded). */
    private long trainerRuns() throws Exception {
        return repo.calls().stream().filter(l -> !l.endsWith("--build-only")).count();
    }

    private static void assertOneLineExitTwo(FixtureRepo.Result r, String start) {
        assertEquals(2, r.exit(), r.toString());
        assertTrue(r.err().startsWith("loss_compare: " + start), r.toString());
        assertEquals(1, r.err().strip().lines().count(), r.toString());
    }

    @Test
    void findsTheCommitThatMovedTheLossInAtMostSixProbesAndASecondBisectTrainsNothing() throws Exception {
        history(CULPRIT, k -> {});
        FixtureRepo.Result r = repo.run("bisect", sha(0), "HEAD", "--steps=4", "--jobs=1");
        assertEquals(0, r.exit(), r.toString());
        String culprit = commits.get(CULPRIT).name();
        assertTrue(r.out().contains("first commit that moved the numbers: " + culprit.substring(0, 10)
                + " \"commit 19: raise the learning rate\""), r.out());
        assertTrue(r.out().contains("  commit  " + culprit), r.out());
        assertTrue(r.out().contains("  author  Test <test@example.invalid>"), r.out());
        assertTrue(r.out().contains("  FAIL llama3 debugmodel: loss differs from step 2"), r.out());
        // Live output: every probe as it finished, with its verdict and what is left.
        assertTrue(r.out().lines().anyMatch(l -> l.matches("probe 1: [0-9a-f]{10} \"commit \\d+: refactor\": (same|differs \\(.*\\)) "
                + "\\([0-9.]+ s\\); ~\\d+ probes? left")), r.out());

        JsonNode json = bisectJson(r);
        assertEquals("found", json.get("result").asText());
        assertEquals(culprit, json.get("culprit").get("commit").asText());
        List<JsonNode> probes = probes(json);
        assertTrue(probes.size() <= 6, probes.size() + " probes: " + r.out());
        assertEquals(probes.size(), json.get("rounds").asInt(), "one probe per round with --jobs=1");
        assertTrue(probes.stream().anyMatch(p -> p.get("commit").asText().equals(culprit)
                && p.get("outcome").asText().equals("differs")));
        // The parent (commit 18) was probed and found the same: that is what makes the answer exact.
        assertTrue(probes.stream().anyMatch(p -> p.get("commit").asText().equals(sha(CULPRIT - 1))
                && p.get("outcome").asText().equals("same")), r.out());

        // The report folder: parent vs culprit, as compare writes it.
        Comparison report = ComparisonJson.read(r.folder().resolve("culprit/comparison.json"));
        assertEquals(sha(CULPRIT - 1), report.baseline().commitId());
        assertEquals(culprit, report.test().commitId());
        assertEquals(Verdict.FAIL, report.overall());
        assertEquals(2, report.cases().get(0).metrics().get(0).firstDivergentStep());
        assertTrue(Files.isRegularFile(r.folder().resolve("culprit/report.html")));
        assertTrue(r.lastOutLine().startsWith("report (parent " + sha(CULPRIT - 1).substring(0, 10) + " vs "
                + culprit.substring(0, 10) + "): "), r.out());

        long trained = trainerRuns();
        long builds = repo.buildCalls();
        FixtureRepo.Result again = repo.run("bisect", sha(0), "HEAD", "--steps=4", "--jobs=1");
        assertEquals(0, again.exit(), again.toString());
        assertEquals(culprit, bisectJson(again).get("culprit").get("commit").asText());
        assertEquals(trained, trainerRuns(), "a second bisect over the same range trains nothing");
        assertEquals(builds, repo.buildCalls(), "and builds nothing");
        assertTrue(again.out().contains("good " + sha(0).substring(0, 10) + " \"base\": from cache"), again.out());
    }

    @Test
    void threeProbesAtOnceNeedFewerRoundsForTheSameAnswer() throws Exception {
        history(CULPRIT, k -> {});
        FixtureRepo.Result one = repo.run("bisect", sha(0), "HEAD", "--steps=3", "--jobs=1", "--no-cache");
        FixtureRepo.Result three = repo.run("bisect", sha(0), "HEAD", "--steps=3", "--jobs=3", "--no-cache");
        assertEquals(0, one.exit(), one.toString());
        assertEquals(0, three.exit(), three.toString());
        JsonNode a = bisectJson(one);
        JsonNode b = bisectJson(three);
        assertEquals(sha(CULPRIT), a.get("culprit").get("commit").asText());
        assertEquals(sha(CULPRIT), b.get("culprit").get("commit").asText());
        assertTrue(b.get("rounds").asInt() < a.get("rounds").asInt(),
                "rounds with --jobs=3: " + b.get("rounds") + ", sequential: " + a.get("rounds"));
        // A round probes several commits at once: some round has three probes.
        Map<Integer, Long> perRound = probes(b).stream().collect(java.util.stream.Collectors.groupingBy(
                p -> p.get("round").asInt(), java.util.stream.Collectors.counting()));
        assertTrue(perRound.values().stream().anyMatch(n -> n == 3), perRound.toString());
        assertTrue(three.out().lines().anyMatch(l -> l.startsWith("round 1: probing ") && l.split(", ").length == 3), three.out());
    }

    @Test
    void aCommitThatDoesNotBuildNextToTheCulpritIsSkippedAndTheAnswerIsStillExact() throws Exception {
        history(CULPRIT, k -> {
            try {
                if (k == CULPRIT + 1) repo.write("build_fails.txt", "yes\n");
                if (k == CULPRIT + 2) Files.delete(repo.dir.resolve("build_fails.txt"));
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        });
        FixtureRepo.Result r = repo.run("bisect", sha(0), "HEAD", "--steps=3", "--jobs=1");
        assertEquals(0, r.exit(), r.toString());
        JsonNode json = bisectJson(r);
        assertEquals(sha(CULPRIT), json.get("culprit").get("commit").asText());
        JsonNode skipped = probes(json).stream().filter(p -> p.get("outcome").asText().equals("skipped")).findFirst().orElseThrow(
                () -> new AssertionError("the search never landed on the broken commit: " + r.out()));
        assertEquals(sha(CULPRIT + 1), skipped.get("commit").asText());
        assertTrue(skipped.get("reason").asText().contains("failed (exit 4): error: Broken.java:3: ';' expected"), skipped.toString());
        assertTrue(r.out().contains(sha(CULPRIT + 1).substring(0, 10) + " \"commit 20: refactor\": skipped: build of "), r.out());
    }

    @Test
    void aCrashThatHidesTheCulpritReportsTheCandidatesAndExitsTwo() throws Exception {
        history(CULPRIT, k -> {
            try {
                if (k == CULPRIT - 1) repo.write("behavior.txt", "crash_at=2\n");
                if (k == CULPRIT) Files.delete(repo.dir.resolve("behavior.txt"));
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        });
        FixtureRepo.Result r = repo.run("bisect", sha(0), "HEAD", "--steps=3", "--jobs=1");
        assertEquals(2, r.exit(), r.toString());
        assertTrue(r.err().startsWith("could not decide: the first commit that moved the numbers is one of these 2 "), r.toString());
        assertTrue(r.err().contains(sha(CULPRIT - 1).substring(0, 10) + " \"commit 18: refactor\": skipped: ERROR llama3 debugmodel: "
                + "test run crashed (exit 1): error: RuntimeException: boom at step 2"), r.err());
        assertTrue(r.err().contains(sha(CULPRIT).substring(0, 10) + " \"commit 19: raise the learning rate\": differs"), r.err());
        assertFalse(r.err().contains("or none of them"), r.err());
        JsonNode json = bisectJson(r);
        assertEquals("undecided", json.get("result").asText());
        assertEquals(List.of(sha(CULPRIT - 1), sha(CULPRIT)), StreamSupport.stream(json.get("candidates").spliterator(), false)
                .map(c -> c.get("commit").asText()).toList());
        assertFalse(Files.exists(r.folder().resolve("culprit")), "no report of a culprit that was not found");
    }

    @Test
    void aRangeWithoutNumericChangeSaysSoWithExitZero() throws Exception {
        history(-1, k -> {});
        FixtureRepo.Result r = repo.run("bisect", sha(0), "HEAD", "--steps=3", "--jobs=1");
        assertEquals(0, r.exit(), r.toString());
        assertTrue(r.out().contains("no change in " + sha(0) + "..HEAD: BAD " + sha(31).substring(0, 10)
                + "'s series match GOOD's (5 probes in 5 rounds"), r.out());
        JsonNode json = bisectJson(r);
        assertEquals("no_change", json.get("result").asText());
        assertTrue(probes(json).stream().anyMatch(p -> p.get("commit").asText().equals(sha(31))), "BAD itself was probed");
    }

    @Test
    void withASuiteTheResultNamesTheCaseThatChanged() throws Exception {
        repo.write("configs/beta.toml", "[model]\nname = \"llama3\"\nflavor = \"debugmodel\"\nlr = 0.1\n");
        repo.write("configs/signoff.toml", """
                [[case]]
                name = "alpha"
                config = "configs/llama3_debug.toml"

                [[case]]
                name = "beta"
                config = "configs/beta.toml"
                """);
        repo.commit("suite");
        commits = new ArrayList<>();
        commits.add(repo.git.log().setMaxCount(1).call().iterator().next());
        for (int k = 1; k <= 9; k++) {
            repo.write("history.txt", "commit " + k + "\n");
            if (k == 6) repo.write("configs/beta.toml", "[model]\nname = \"llama3\"\nflavor = \"debugmodel\"\nlr = 0.3\n");
            commits.add(repo.commit("commit " + k));
        }
        FixtureRepo.Result r = repo.run("bisect", sha(0), "HEAD", "--suite=configs/signoff.toml", "--steps=3", "--jobs=2");
        assertEquals(0, r.exit(), r.toString());
        JsonNode json = bisectJson(r);
        assertEquals(sha(6), json.get("culprit").get("commit").asText());
        List<String> changes = StreamSupport.stream(json.get("changes").spliterator(), false).map(JsonNode::asText).toList();
        assertEquals(1, changes.size(), changes.toString());
        assertTrue(changes.get(0).startsWith("FAIL beta (llama3 debugmodel): loss differs from step 2"), changes.toString());
        assertTrue(r.out().contains("cases alpha (llama3 debugmodel), beta (llama3 debugmodel)"), r.out());
        Comparison report = ComparisonJson.read(r.folder().resolve("culprit/comparison.json"));
        assertEquals(List.of(Verdict.PASS, Verdict.FAIL), report.cases().stream().map(c -> c.verdict()).toList());
    }

    @Test
    void againstTheGoldensFindsTheFirstCommitWhoseGateFails() throws Exception {
        repo.write("configs/signoff.toml", GateFixtureTest.SUITE);
        repo.commit("suite");
        FixtureRepo.Result record = repo.run("gate", "--update", "--output-folder=" + repo.outputs.resolve("record"));
        assertEquals(0, record.exit(), record.toString());
        repo.commit("goldens");
        history(CULPRIT, k -> {});
        FixtureRepo.Result r = repo.run("bisect", sha(0), "HEAD", "--against-goldens", "--jobs=1");
        assertEquals(0, r.exit(), r.toString());
        assertTrue(r.out().contains("against the goldens in configs/golden"), r.out());
        assertTrue(r.out().contains("good " + sha(0).substring(0, 10) + " \"goldens\": passes the gate"), r.out());
        JsonNode json = bisectJson(r);
        assertEquals(sha(CULPRIT), json.get("culprit").get("commit").asText());
        assertTrue(probes(json).size() <= 6, r.out());
        // The gate's settings and kernels: 3 steps, seq_len 16, the portable set.
        assertTrue(repo.calls().stream().filter(l -> l.contains("--metrics.path")).allMatch(l -> l.contains("--training.steps=3")
                && l.contains("--training.seq_len=16")), String.join("\n", repo.calls()));
        Comparison report = ComparisonJson.read(r.folder().resolve("culprit/comparison.json"));
        assertEquals("portable", report.cases().get(0).test().meta().get("kernels"));

        FixtureRepo.Result late = repo.run("bisect", sha(CULPRIT), "HEAD", "--against-goldens", "--jobs=1");
        assertOneLineExitTwo(late, "GOOD " + sha(CULPRIT) + " (" + sha(CULPRIT).substring(0, 10) + ") already fails the gate (alpha");

        FixtureRepo.Result steps = repo.run("bisect", sha(0), "HEAD", "--against-goldens", "--steps=5");
        assertOneLineExitTwo(steps, "--steps cannot be combined with --against-goldens");
    }

    @Test
    void ctrlCKillsEveryProbesProcessTreeAndLeavesTheCacheConsistent() throws Exception {
        // GOOD trains quickly; every later commit's runs are slow and start a child of their own.
        history(CULPRIT, k -> {
            try {
                if (k == 1) repo.write("behavior.txt", "sleep=1\nspawn_child=1\n");
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        });
        Path out = tmp.resolve("interrupted");
        Path log = tmp.resolve("harness.log");
        Process harness = HarnessProcess.start(repo, log, "bisect", sha(0), "HEAD", "--steps=30", "--jobs=2",
                "--output-folder=" + out);
        Path pids = repo.cache.resolve("trainer.pid");
        long deadline = System.nanoTime() + java.util.concurrent.TimeUnit.SECONDS.toNanos(90);
        // GOOD's run is stopped too if it is still going; wait until two probes train at once.
        while ((!Files.exists(pids) || Files.readAllLines(pids).size() < 3) && System.nanoTime() < deadline && harness.isAlive()) {
            Thread.sleep(100);
        }
        new ProcessBuilder("kill", "-INT", Long.toString(harness.pid())).start().waitFor();
        assertTrue(harness.waitFor(30, java.util.concurrent.TimeUnit.SECONDS), "harness did not stop");
        assertEquals(130, harness.exitValue(), Files.readString(log));
        assertTrue(Files.readString(log).contains("loss_compare: interrupted; stopped the trainer runs"), Files.readString(log));
        CompareFixtureTest.assertNoneAlive(pids);
        CompareFixtureTest.assertNoneAlive(repo.cache.resolve("child.pid"));
        assertFalse(Files.exists(out.resolve("bisect.json")), "no result after an interrupt");
        assertFalse(Files.exists(out.resolve("good/llama3_debugmodel/seed_checkpoint.safetensors")), "seed checkpoints are deleted");
        try (var entries = Files.list(repo.cache.resolve("results"))) {
            for (Path e : entries.filter(p -> !p.getFileName().toString().startsWith(".")).toList()) {
                assertTrue(Files.exists(e.resolve("complete")), "a published cache entry is complete: " + e);
            }
        }
        // A later bisect on the same cache runs normally (the interrupted probes published nothing).
        long trained = trainerRuns();
        FixtureRepo.Result after = repo.run("bisect", sha(0), sha(2), "--steps=1", "--jobs=1");
        assertEquals(0, after.exit(), after.toString());
        assertTrue(after.out().contains("no change in "), after.toString());
        assertTrue(trainerRuns() > trained);
        CompareFixtureTest.assertNoneAlive(pids);
        for (String pid : Files.readAllLines(repo.cache.resolve("child.pid"))) {
            ProcessHandle.of(Long.parseLong(pid.strip())).ifPresent(ProcessHandle::destroy);   // the children of finished runs
        }
    }

    @Test
    void badInputIsOneLineAndExitTwo() throws Exception {
        history(CULPRIT, k -> {});
        assertOneLineExitTwo(repo.run("bisect", "HEAD", "HEAD"), "GOOD HEAD and BAD HEAD are the same commit (");
        assertOneLineExitTwo(repo.run("bisect", "HEAD~3", "HEAD~3"), "GOOD HEAD~3 and BAD HEAD~3 are the same commit (");
        assertOneLineExitTwo(repo.run("bisect", "HEAD", "HEAD~5"), "the range HEAD..HEAD~5 is empty: BAD HEAD~5 (");
        assertOneLineExitTwo(repo.run("bisect", "no-such-commit", "HEAD"), "unknown revision 'no-such-commit'");
        assertOneLineExitTwo(repo.run("bisect", "HEAD~2", "."), "bisect probes commits, and '.' is the working tree");

        repo.git.checkout().setCreateBranch(true).setName("side").setStartPoint(sha(10)).call();
        repo.write("side.txt", "a side branch\n");
        repo.commit("side work");
        assertOneLineExitTwo(repo.run("bisect", "side", "main"), "GOOD side (");
        assertTrue(repo.run("bisect", "side", "main").err().contains("is not an ancestor of BAD main (" + sha(31).substring(0, 10)
                + "): their histories parted after " + sha(10).substring(0, 10)));
        repo.git.checkout().setName("main").call();
        repo.git.merge().include(repo.git.getRepository().resolve("side")).setMessage("merge side")
                .setFastForward(org.eclipse.jgit.api.MergeCommand.FastForwardMode.NO_FF).call();
        String merge = repo.git.getRepository().resolve("HEAD").name();
        FixtureRepo.Result viaMerge = repo.run("bisect", "side", "main");
        assertOneLineExitTwo(viaMerge, "GOOD side (");
        assertTrue(viaMerge.err().contains("is not on the first-parent path of BAD main: it came in through the merge "
                + merge.substring(0, 10)), viaMerge.err());

        repo.write("build_fails.txt", "yes\n");
        RevCommit broken = repo.commit("break the build");
        repo.write("history.txt", "after the break\n");
        repo.commit("one more");
        FixtureRepo.Result unbuildable = repo.run("bisect", broken.name(), "HEAD", "--steps=3");
        assertOneLineExitTwo(unbuildable, "GOOD " + broken.name() + " (" + broken.name().substring(0, 10)
                + ") does not build, so there is nothing to compare with: build of ");

        FixtureRepo.Result jobs = repo.run("bisect", sha(0), "HEAD", "--jobs=0");
        assertOneLineExitTwo(jobs, "--jobs must be at least 1, got 0");
        assertOneLineExitTwo(repo.run("bisect", sha(0), "HEAD", "--golden-dir=x"), "--golden-dir needs --against-goldens");
        assertNotNull(repo.run("bisect", "--help").out());
    }
}
