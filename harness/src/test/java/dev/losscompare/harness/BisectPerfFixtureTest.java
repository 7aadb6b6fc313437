package dev.losscompare.harness;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.losscompare.core.result.ComparisonJson;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.List;
import org.eclipse.jgit.revwalk.RevCommit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * bisect with a performance threshold against the fixture trainer, whose speed is a file of its
 * revision (tps.txt): an 8-commit history in which commit 2 moves the numbers (a learning-rate
 * change, not what is searched) and commit 5 makes training 30% slower with the same numbers.
 * A probe is bad when its performance verdict FAILs, so bisect finds commit 5.
 */
class BisectPerfFixtureTest {
    static final int SLOWER = 5;

    @TempDir
    java.nio.file.Path tmp;
    FixtureRepo repo;
    final List<RevCommit> commits = new ArrayList<>();

    @BeforeEach
    void setUp() throws Exception {
        repo = FixtureRepo.create(tmp);
        repo.write("tps.txt", "1000\n");
        repo.write("memory.txt", "500000000\n");
        commits.add(repo.commit("the trainer logs its speed and memory"));
        for (int k = 1; k <= 8; k++) {
            repo.write("history.txt", "commit " + k + "\n");
            if (k == 2) repo.write("lr.txt", "0.2\n");
            if (k == SLOWER) repo.write("tps.txt", "700\n");
            commits.add(repo.commit(k == SLOWER ? "commit " + k + ": 30% slower, the same numbers"
                    : k == 2 ? "commit 2: raise the learning rate" : "commit " + k + ": refactor"));
        }
    }

    @AfterEach
    void tearDown() {
        repo.close();
    }

    @Test
    void findsTheCommitThatMadeTheCaseSlowerThanTheThreshold() throws Exception {
        FixtureRepo.Result r = repo.run("bisect", "HEAD~8", "HEAD", "--steps=4", "--max-slowdown=10%", "--perf-rounds=2");
        assertEquals(0, r.exit(), r.toString());
        String culprit = commits.get(SLOWER).name();
        assertTrue(r.out().contains("first commit whose performance FAILs: " + culprit.substring(0, 10)), r.toString());
        assertTrue(r.out().contains("performance FAIL llama3 debugmodel: throughput -30.0% (1,000 tokens/s -> 700 tokens/s"), r.out());

        JsonNode json = ComparisonJson.MAPPER.readTree(r.folder().resolve("bisect.json").toFile());
        assertEquals("found", json.get("result").asText());
        assertEquals(culprit, json.get("culprit").get("commit").asText());
        assertEquals("performance (--max-slowdown=10%, 2 rounds per probe)", json.get("mode").asText());
        // The culprit's report times parent and culprit too, and says the performance FAILs while the numbers pass.
        String summary = Files.readString(r.folder().resolve("culprit/summary.md"));
        assertTrue(summary.contains("FAIL (performance)"), summary);
        assertTrue(Files.isRegularFile(r.folder().resolve("culprit/llama3_debugmodel/perf/round2/test.jsonl")));
    }

    @Test
    void aRangeBeforeTheSlowerCommitHasNoChangeThoughItsNumbersMove() throws Exception {
        FixtureRepo.Result r = repo.run("bisect", "HEAD~8", "HEAD~4", "--steps=4", "--max-slowdown=10%", "--perf-rounds=2");
        assertEquals(0, r.exit(), r.toString());
        assertTrue(r.out().contains("no change in HEAD~8..HEAD~4: BAD " + commits.get(4).name().substring(0, 10)
                + "'s performance does not FAIL against GOOD ("), r.out());
        JsonNode json = ComparisonJson.MAPPER.readTree(r.folder().resolve("bisect.json").toFile());
        assertEquals("no_change", json.get("result").asText());
    }

    @Test
    void aPerformanceBisectNeedsAThresholdAndTimesOneProbeAtATime() throws Exception {
        FixtureRepo.Result noThreshold = repo.run("bisect", "HEAD~8", "HEAD", "--steps=4", "--perf");
        assertEquals(2, noThreshold.exit(), noThreshold.toString());
        assertTrue(noThreshold.err().contains("bisect --perf needs --max-slowdown=P or --max-memory-growth=P"), noThreshold.err());
        FixtureRepo.Result twoAtOnce = repo.run("bisect", "HEAD~8", "HEAD", "--steps=4", "--max-slowdown=10%", "--jobs=2");
        assertEquals(2, twoAtOnce.exit(), twoAtOnce.toString());
        assertTrue(twoAtOnce.err().contains("--jobs=2 with a performance threshold: probes are timed one run at a time"),
                twoAtOnce.err());
    }
}
