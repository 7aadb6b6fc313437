package dev.losscompare.harness;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.losscompare.core.perf.PerfOutcome;
import dev.losscompare.core.perf.PerfQuantity;
import dev.losscompare.core.perf.PerfStatus;
import dev.losscompare.core.perf.PerfVerdict;
import dev.losscompare.core.result.Comparison;
import dev.losscompare.core.result.ComparisonJson;
import dev.losscompare.core.result.Verdict;
import java.nio.file.Files;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * compare's performance verdict against the fixture trainer, whose speed and memory are files of
 * its revision (tps.txt, memory.txt): the harness times the sides itself, alternated, never from
 * the cache; a slower test is a performance FAIL while the numbers PASS; thresholds from the suite.
 */
class PerfFixtureTest {
    @TempDir
    java.nio.file.Path tmp;
    FixtureRepo repo;

    @BeforeEach
    void setUp() throws Exception {
        repo = FixtureRepo.create(tmp);
        repo.write("tps.txt", "1000\n");
        repo.write("memory.txt", "500000000\n");
        repo.commit("the trainer logs its speed and memory");
    }

    @AfterEach
    void tearDown() {
        repo.close();
    }

    private static Comparison comparison(FixtureRepo.Result r) throws Exception {
        return ComparisonJson.read(r.folder().resolve("comparison.json"));
    }

    /** The training calls (not builds, not seed checkpoints) of the fixture, in order: "baseline"/"test" by revision dir. */
    private List<String> trainingRevisions() throws Exception {
        return repo.calls().stream().filter(l -> l.contains("--metrics.path=")).map(l -> l.split(" ")[1]).toList();
    }

    @Test
    void aSlowerTestIsAPerformanceFailWhileTheNumbersPass() throws Exception {
        repo.write("tps.txt", "700\n");
        repo.commit("the same numbers, 30% slower");
        FixtureRepo.Result r = repo.run("HEAD~1", "HEAD", "--steps=6", "--perf-rounds=3", "--max-slowdown=10%");
        assertEquals(1, r.exit(), r.toString());
        assertEquals("PASS llama3 debugmodel: loss, grad_norm identical over 6 steps", r.verdict(), r.toString());
        assertTrue(r.out().contains("performance FAIL llama3 debugmodel: throughput -30.0% (1,000 tokens/s -> 700 tokens/s"),
                r.out());
        assertTrue(r.out().contains("beyond --max-slowdown=10%"), r.out());
        assertTrue(r.out().contains("noise measured between 3 rounds of each side (alternated A B, B A, A B (A baseline, B test) "
                + "one run at a time, load average"), r.out());
        assertTrue(r.out().contains("timing llama3 debugmodel: 3 rounds per side, alternated A B, B A, A B (A baseline, B test)"), r.out());
        assertTrue(r.out().contains("timing llama3 debugmodel: round 2 of 3: test 700 tokens/s, baseline 1,000 tokens/s"), r.out());
        assertTrue(r.out().contains("timing llama3 debugmodel: round 3 of 3: baseline 1,000 tokens/s, test 700 tokens/s"), r.out());

        Comparison c = comparison(r);
        assertEquals(Verdict.PASS, c.cases().get(0).verdict());
        assertEquals("FAIL (performance)", c.overallText());
        PerfVerdict p = c.cases().get(0).performance();
        assertEquals(PerfStatus.FAIL, p.status());
        assertEquals(3, p.baseline().runs());
        assertEquals(PerfOutcome.EXCEEDS, p.change(PerfQuantity.THROUGHPUT).outcome());
        assertEquals(PerfOutcome.NO_CHANGE, p.change(PerfQuantity.MEMORY).outcome());

        // The compared runs (in parallel, cacheable), then rounds A B, B A, A B, one at a time: a drifting
        // machine favours neither side.
        List<String> runs = trainingRevisions();
        assertEquals(2 + 6, runs.size(), runs.toString());
        List<String> rounds = runs.subList(2, 8);
        String a = rounds.get(0), b = rounds.get(1);
        assertFalse(a.equals(b), "round 1 ran both sides: " + rounds);
        assertEquals(List.of(a, b, b, a, a, b), rounds, "rounds alternate A B, B A, A B");
        for (int round = 1; round <= 3; round++) {
            assertTrue(Files.isRegularFile(r.folder().resolve("llama3_debugmodel/perf/round" + round + "/test.jsonl")));
        }

        // Again: the compared runs come from the cache, the timed rounds never do.
        FixtureRepo.Result again = repo.run("HEAD~1", "HEAD", "--steps=6", "--perf-rounds=2", "--max-slowdown=10%");
        assertEquals(1, again.exit(), again.toString());
        assertEquals(8 + 4, trainingRevisions().size());
    }

    /**
     * A machine whose speed moves from run to run: 3 alternated rounds cannot decide a 10%
     * threshold (their paired interval holds both 0 and -10%), so the harness times 2 rounds more
     * at a time, up to 3 x --perf-rounds, until the interval decides: a 30% slowdown the first
     * rounds' scatter hid FAILs after 7. Each of the 4 looks (3, 5, 7, 9 rounds) is judged at
     * 98.75%, so that the 4 together hold 95%.
     */
    @Test
    void anUndecidedVerdictTimesMoreRoundsUntilTheIntervalDecides() throws Exception {
        repo.write("tps.txt", "1000 1000 700 1000 700 700 700 700\n");   // the test tree's runs in turn: the compared run, then round 1, 2, ...
        repo.commit("slower, but not in every run");
        FixtureRepo.Result r = repo.run("HEAD~1", "HEAD", "--steps=4", "--perf-rounds=3", "--max-slowdown=10%");
        assertEquals(1, r.exit(), r.toString());
        assertTrue(r.out().contains("timing llama3 debugmodel: not decided after 3 rounds (throughput -10.0%, noise \u00b188.6%): 2 more,"
                + " up to 9 ..."), r.out());
        assertTrue(r.out().contains("timing llama3 debugmodel: not decided after 5 rounds (throughput -18.0%, noise \u00b1"), r.out());
        assertFalse(r.out().contains("not decided after 7 rounds"), r.out());
        assertTrue(r.out().contains("timing llama3 debugmodel: round 7 of 7: baseline 1,000 tokens/s, test 700 tokens/s"), r.out());
        PerfVerdict p = comparison(r).cases().get(0).performance();
        assertEquals(PerfStatus.FAIL, p.status(), p.line());
        assertEquals(7, p.baseline().runs());
        assertEquals(7, p.test().runs());
        assertTrue(p.change(PerfQuantity.THROUGHPUT).intervalHigh() < 0, p.line());
        assertTrue(p.line().contains("noise measured between 7 rounds of each side (alternated A B, B A, A B, B A, A B, B A, A B"), p.line());
        assertTrue(Files.isRegularFile(r.folder().resolve("llama3_debugmodel/perf/round7/test.jsonl")));
        assertEquals(2 + 14, trainingRevisions().size());
    }

    @Test
    void anUnchangedTrainerIsNoMeasurableChangeAndThresholdsComeFromTheSuite() throws Exception {
        repo.write("README.md", "renamed a local\n");
        repo.write("suite.toml", "[perf]\nmax_slowdown = \"10%\"\nmax_memory_growth = 5\nrounds = 2\n\n"
                + "[[case]]\nname = \"llama3\"\nconfig = \"configs/llama3_debug.toml\"\n");
        repo.commit("refactor");
        FixtureRepo.Result r = repo.run("HEAD~1", "HEAD", "--steps=4", "--suite=suite.toml");
        assertEquals(0, r.exit(), r.toString());
        assertTrue(r.out().contains("performance PASS llama3 (llama3 debugmodel): no measurable change (noise \u00b11.0%): "
                + "throughput +0.0% (1,000 tokens/s -> 1,000 tokens/s), memory +0.0%"), r.out());
        assertTrue(r.out().contains("performance"), "the sign-off table has a performance column");
        PerfVerdict p = comparison(r).cases().get(0).performance();
        assertEquals(0.10, p.thresholds().maxSlowdown(), 1e-12);
        assertEquals(0.05, p.thresholds().maxMemoryGrowth(), 1e-12);
        assertEquals(2, p.test().runs());

        // Memory grows 20% beyond the suite's 5%: a performance FAIL naming memory.
        repo.write("memory.txt", "600000000\n");
        repo.commit("keeps a buffer alive");
        FixtureRepo.Result m = repo.run("HEAD~1", "HEAD", "--steps=4", "--suite=suite.toml");
        assertEquals(1, m.exit(), m.toString());
        assertTrue(m.out().contains("memory +20.0% (0.47 GiB -> 0.56 GiB, noise \u00b11.0%) beyond --max-memory-growth=5%"), m.out());
    }

    @Test
    void withoutPerfOptionsNothingIsTimedAndComparisonJsonHasNoPerformance() throws Exception {
        repo.write("tps.txt", "700\n");
        repo.commit("slower");
        FixtureRepo.Result r = repo.run("HEAD~1", "HEAD", "--steps=4");
        assertEquals(0, r.exit(), r.toString());
        assertFalse(r.out().contains("performance"), r.out());
        assertFalse(r.comparisonJson().contains("performance"), r.comparisonJson());
        assertNull(comparison(r).cases().get(0).performance());
        assertEquals(2, trainingRevisions().size());

        FixtureRepo.Result one = repo.run("HEAD~1", "HEAD", "--steps=4", "--perf-rounds=1");
        assertEquals(2, one.exit(), one.toString());
        assertTrue(one.err().contains("--perf-rounds=1: at least 2 rounds per side are needed"), one.err());
    }
}
