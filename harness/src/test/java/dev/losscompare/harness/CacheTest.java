package dev.losscompare.harness;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Materialized revisions and builds are reused, shared by content, and safe under concurrent runs. */
class CacheTest {
    @TempDir
    Path tmp;

    private static List<String> entries(Path cache) throws Exception {
        try (Stream<Path> s = Files.list(cache.resolve("revisions"))) {
            return s.map(p -> p.getFileName().toString()).sorted().toList();
        }
    }

    @Test
    void theSameCommitIsMaterializedAndBuiltOnceAcrossRuns() throws Exception {
        try (FixtureRepo repo = FixtureRepo.create(tmp)) {
            repo.write("lr.txt", "0.2\n");
            repo.commit("lr");
            FixtureRepo.Result first = repo.run("HEAD~1", "HEAD", "--steps=2");
            assertEquals(1, first.exit(), first.toString());
            assertEquals(2, repo.buildCalls());
            FixtureRepo.Result second = repo.run("HEAD~1", "HEAD", "--steps=2");
            assertEquals(1, second.exit(), second.toString());
            assertEquals(2, repo.buildCalls(), "second comparison reuses both builds");
            assertTrue(second.out().contains("built baseline HEAD~1 (cached build)"), second.out());
            assertTrue(second.out().contains("(cached)"), second.out());
            // Each side of the second run still gets its build log.
            assertTrue(Files.readString(second.folder().resolve("test_build.log")).contains("building fixture trainer"));
        }
    }

    @Test
    void commitsWithTheSameContentShareOneDirectoryAndBuild() throws Exception {
        try (FixtureRepo repo = FixtureRepo.create(tmp)) {
            repo.write("lr.txt", "0.2\n");
            repo.commit("change");
            repo.write("lr.txt", "0.1\n");
            repo.commit("revert");   // HEAD has HEAD~2's tree
            FixtureRepo.Result r = repo.run("HEAD~2", "HEAD", "--steps=2");
            assertEquals(0, r.exit(), r.toString());
            assertEquals(1, repo.buildCalls());
            assertEquals(List.of("tree-" + repo.git.getRepository().resolve("HEAD^{tree}").name(),
                    "tree-" + repo.git.getRepository().resolve("HEAD^{tree}").name() + ".build.log",
                    "tree-" + repo.git.getRepository().resolve("HEAD^{tree}").name() + ".built"), entries(repo.cache));
        }
    }

    @Test
    void theWorkingTreeIsKeyedByContentAndACleanOneSharesHeadsBuild() throws Exception {
        try (FixtureRepo repo = FixtureRepo.create(tmp)) {
            FixtureRepo.Result clean = repo.run(".", "HEAD", "--steps=2");
            assertEquals(0, clean.exit());
            String sha = repo.git.getRepository().resolve("HEAD").abbreviate(10).name();
            assertTrue(clean.out().contains("baseline: . (working tree) \"working tree without uncommitted changes (the same as "
                    + sha + ")\""), clean.out());
            assertEquals(1, repo.buildCalls(), "a clean working tree is HEAD's content: one directory, one build");
            String head = "tree-" + repo.git.getRepository().resolve("HEAD^{tree}").name();
            assertEquals(List.of(head, head + ".build.log", head + ".built"), entries(repo.cache));
            repo.write("lr.txt", "0.3\n");
            FixtureRepo.Result r = repo.run("HEAD", ".", "--steps=2");
            assertEquals(1, r.exit(), r.toString());
            assertTrue(r.out().contains("test: . (working tree) \"working tree with uncommitted changes (on top of " + sha + ")\""), r.out());
            assertEquals(2, repo.buildCalls(), "the edit is new content: only the edited tree builds");
            long trees = entries(repo.cache).stream().filter(e -> e.startsWith("tree-") && !e.contains(".")).count();
            assertEquals(2, trees);
        }
    }

    @Test
    void concurrentRunsOnOneCacheBuildOnceAndAllSucceed() throws Exception {
        try (FixtureRepo repo = FixtureRepo.create(tmp)) {
            repo.write("lr.txt", "0.2\n");
            repo.commit("lr");
            int n = 4;
            ExecutorService pool = Executors.newFixedThreadPool(n);
            CountDownLatch go = new CountDownLatch(1);
            List<Future<FixtureRepo.Result>> results = new ArrayList<>();
            for (int i = 0; i < n; i++) {
                Callable<FixtureRepo.Result> task = () -> {
                    go.await();
                    return repo.run("HEAD~1", "HEAD", "--steps=3");
                };
                results.add(pool.submit(task));
            }
            go.countDown();
            for (Future<FixtureRepo.Result> f : results) {
                FixtureRepo.Result r = f.get();
                assertEquals(1, r.exit(), r.toString());
                assertTrue(r.verdict().startsWith("FAIL llama3 debugmodel: loss differs from step 2"), r.verdict());
            }
            pool.shutdown();
            assertEquals(2, repo.buildCalls(), "each revision built exactly once");
            assertTrue(entries(repo.cache).stream().noneMatch(e -> e.startsWith(".tmp-")), entries(repo.cache).toString());
        }
    }

    @Test
    void concurrentHarnessProcessesOnOneCacheDoNotCorruptIt() throws Exception {
        try (FixtureRepo repo = FixtureRepo.create(tmp)) {
            repo.write("lr.txt", "0.2\n");
            repo.commit("lr");
            List<Process> ps = new ArrayList<>();
            for (int i = 0; i < 2; i++) {
                ps.add(HarnessProcess.start(repo, tmp.resolve("proc-" + i + ".log"), "HEAD~1", "HEAD", "--steps=3",
                        "--output-folder=" + tmp.resolve("proc-out-" + i)));
            }
            for (int i = 0; i < ps.size(); i++) {
                assertEquals(1, ps.get(i).waitFor(), Files.readString(tmp.resolve("proc-" + i + ".log")));
            }
            assertEquals(2, repo.buildCalls(), "each revision built exactly once across both processes");
        }
    }
}
