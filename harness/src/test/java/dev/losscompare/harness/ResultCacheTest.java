package dev.losscompare.harness;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.losscompare.core.result.Comparison;
import dev.losscompare.core.result.ComparisonJson;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Finished runs are reused when nothing that determines them changed; a damaged entry is retrained. */
class ResultCacheTest {
    @TempDir Path tmp;

    private static long trainCalls(FixtureRepo repo) throws Exception {
        return repo.calls().stream().filter(l -> l.contains("--metrics.path=")).count();
    }

    private static FixtureRepo twoCommits(Path tmp) throws Exception {
        FixtureRepo repo = FixtureRepo.create(tmp);
        repo.write("README.md", "refactor\n");
        repo.commit("refactor");
        return repo;
    }

    private static boolean bothFromCache(FixtureRepo.Result r) throws Exception {
        Comparison c = ComparisonJson.read(r.folder().resolve("comparison.json"));
        return c.cases().get(0).baseline().fromCache() && c.cases().get(0).test().fromCache();
    }

    @Test
    void aRepeatedComparisonComesFromTheCacheAndNoCacheTrainsAgain() throws Exception {
        try (FixtureRepo repo = twoCommits(tmp)) {
            FixtureRepo.Result first = repo.run("HEAD~1", "HEAD", "--steps=4");
            assertEquals(0, first.exit(), first.toString());
            assertEquals(2, trainCalls(repo));
            assertFalse(bothFromCache(first));

            FixtureRepo.Result second = repo.run("HEAD~1", "HEAD", "--steps=4");
            assertEquals(0, second.exit(), second.toString());
            assertEquals(2, trainCalls(repo), "nothing trained the second time");
            assertTrue(bothFromCache(second));
            assertTrue(second.err().contains("baseline HEAD~1: from cache") && second.err().contains("test HEAD: from cache"), second.err());
            assertEquals(Files.readString(first.folder().resolve("llama3_debugmodel/test.jsonl")),
                    Files.readString(second.folder().resolve("llama3_debugmodel/test.jsonl")));

            FixtureRepo.Result other = repo.run("HEAD~1", "HEAD", "--steps=5");
            assertEquals(4, trainCalls(repo), "other settings are other keys");
            assertFalse(bothFromCache(other));

            repo.run("HEAD~1", "HEAD", "--steps=4", "--no-cache");
            assertEquals(6, trainCalls(repo), "--no-cache trains both sides");
        }
    }

    @Test
    void aTruncatedCacheEntryIsRetrainedNotUsed() throws Exception {
        try (FixtureRepo repo = twoCommits(tmp)) {
            assertEquals(0, repo.run("HEAD~1", "HEAD", "--steps=4").exit());
            List<Path> series;
            try (Stream<Path> walk = Files.walk(repo.cache.resolve("results"))) {
                series = walk.filter(p -> p.getFileName().toString().equals("series.jsonl")).toList();
            }
            assertEquals(2, series.size(), "one entry per side");
            for (Path p : series) {
                String text = Files.readString(p);
                Files.writeString(p, text.substring(0, text.length() / 2)); // a half-written entry
            }
            FixtureRepo.Result r = repo.run("HEAD~1", "HEAD", "--steps=4");
            assertEquals(0, r.exit(), r.toString());
            assertEquals(4, trainCalls(repo), "both damaged entries retrained");
            assertFalse(bothFromCache(r));
            assertTrue(bothFromCache(repo.run("HEAD~1", "HEAD", "--steps=4")), "and stored again whole");
        }
    }
}
