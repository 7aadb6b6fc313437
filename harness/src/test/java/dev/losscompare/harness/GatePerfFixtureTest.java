package dev.losscompare.harness;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.losscompare.core.perf.PerfStatus;
import dev.losscompare.core.result.ComparisonJson;
import dev.losscompare.core.result.Verdict;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The gate keeps speed and memory with each golden and the environment they were measured in
 * (the fixture trainer's tps.txt and memory.txt): gate --update records them, the gate compares
 * them where the environment matches, and says "not comparable" where it does not.
 */
class GatePerfFixtureTest {
    @TempDir Path tmp;

    private FixtureRepo repo() throws Exception {
        FixtureRepo repo = FixtureRepo.create(tmp);
        repo.write("configs/signoff.toml", GateFixtureTest.SUITE);
        repo.write("tps.txt", "1000\n");
        repo.write("memory.txt", "500000000\n");
        repo.commit("suite, and a trainer that logs its speed and memory");
        return repo;
    }

    /** The gate on case alpha only (the fixture's timings are files, so one case shows everything). */
    private static FixtureRepo.Result gate(FixtureRepo repo, String name, String... extra) {
        String[] args = new String[extra.length + 1];
        args[0] = "--cases=alpha";
        System.arraycopy(extra, 0, args, 1, extra.length);
        return GateFixtureTest.gate(repo, name, args);
    }

    @Test
    void goldensKeepTheirSpeedAndMemoryAndAWorkingTreeThatIsSlowerFailsInPerformanceOnly() throws Exception {
        try (FixtureRepo repo = repo()) {
            FixtureRepo.Result rec = gate(repo, "record", "--update", "--perf-rounds=2");
            assertEquals(0, rec.exit(), rec.toString());
            assertTrue(rec.out().contains("alpha: new golden; performance recorded (2 rounds, one run at a time, load average "),
                    rec.out());
            String golden = Files.readString(repo.dir.resolve("configs/golden/alpha.json"));
            assertTrue(golden.contains("\"performance\"") && golden.contains("\"cpu_model\""), golden);

            FixtureRepo.Result same = gate(repo, "same", "--max-slowdown=10%", "--perf-rounds=2");
            assertEquals(0, same.exit(), same.toString());
            assertTrue(same.out().contains("performance PASS alpha (llama3 debugmodel): no measurable change"), same.out());
            assertTrue(same.out().contains("(golden: 2 rounds, one run at a time, load average "), same.out());

            repo.write("tps.txt", "700\n");   // the working tree, uncommitted: what the gate checks
            FixtureRepo.Result slow = gate(repo, "slow", "--max-slowdown=10%", "--perf-rounds=2");
            assertEquals(1, slow.exit(), slow.toString());
            assertTrue(slow.out().contains("PASS alpha (llama3 debugmodel): loss, grad_norm identical over 3 steps"), slow.out());
            assertTrue(slow.out().contains("performance FAIL alpha (llama3 debugmodel): throughput -30.0% (1,000 tokens/s -> 700 tokens/s"),
                    slow.out());
            var c = ComparisonJson.read(repo.outputs.resolve("slow/comparison.json"));
            assertEquals(Verdict.PASS, c.cases().get(0).verdict());
            assertEquals(PerfStatus.FAIL, c.cases().get(0).performance().status());
            assertEquals("FAIL (performance)", c.overallText());

            // Without a performance request the gate judges the numbers only, as before.
            FixtureRepo.Result plain = gate(repo, "plain");
            assertEquals(0, plain.exit(), plain.toString());
            assertFalse(plain.out().contains("performance"), plain.out());
        }
    }

    @Test
    void figuresFromAnotherMachineAreNotComparableNeverARegression() throws Exception {
        try (FixtureRepo repo = repo()) {
            assertEquals(0, gate(repo, "record", "--update").exit());
            Path golden = repo.dir.resolve("configs/golden/alpha.json");
            String text = Files.readString(golden);
            assertTrue(text.contains("\"performance\""), "recorded from the run itself: " + text);
            Files.writeString(golden, text.replaceFirst("\"cpu_model\" : \"[^\"]*\"", "\"cpu_model\" : \"Another CPU\"")
                    .replaceFirst("\"cpus\" : \"[0-9]+\"", "\"cpus\" : \"64\""));
            repo.write("tps.txt", "100\n");   // ten times slower than the golden's figures: yet not comparable
            FixtureRepo.Result r = gate(repo, "other", "--max-slowdown=10%");
            assertEquals(0, r.exit(), r.toString());
            assertTrue(r.out().contains("performance not comparable alpha (llama3 debugmodel): the golden's figures were measured in "
                    + "another environment (cpu_model Another CPU -> "), r.out());
            assertTrue(r.out().contains(", cpus 64 -> "), r.out());
            var c = ComparisonJson.read(repo.outputs.resolve("other/comparison.json"));
            assertEquals(PerfStatus.NOT_COMPARABLE, c.cases().get(0).performance().status());
            assertTrue(Files.readString(repo.outputs.resolve("other/summary.md")).contains("| ➖ not comparable |"),
                    Files.readString(repo.outputs.resolve("other/summary.md")));

            // A golden recorded before goldens kept figures reads as it was, and says what to do.
            Files.writeString(golden, text.replaceFirst(",\\s*\"performance\" : \\{[\\s\\S]*\\}\\s*\\}\\s*$", "\n}\n"));
            assertFalse(Files.readString(golden).contains("performance"), Files.readString(golden));
            FixtureRepo.Result old = gate(repo, "old", "--perf");
            assertEquals(0, old.exit(), old.toString());
            assertTrue(old.out().contains("PASS alpha (llama3 debugmodel): loss, grad_norm identical over 3 steps"), old.out());
            assertTrue(old.out().contains("performance not comparable alpha (llama3 debugmodel): the golden has no performance figures"
                    + " (record them with: ./loss_compare.sh gate --update)"), old.out());
            // A threshold the gate cannot check is an ERROR, never a pass that timed nothing.
            FixtureRepo.Result threshold = gate(repo, "threshold", "--max-slowdown=10%");
            assertEquals(2, threshold.exit(), threshold.toString());
            assertTrue(threshold.out().contains("PASS alpha (llama3 debugmodel): loss, grad_norm identical over 3 steps"), threshold.out());
            assertTrue((threshold.out() + threshold.err()).contains("performance ERROR alpha (llama3 debugmodel): --max-slowdown=10% cannot be checked: the"
                    + " golden has no performance figures; record them with: ./loss_compare.sh gate --update --perf"), threshold.toString());
        }
    }

    @Test
    void aTrainerWithoutTimingsWritesGoldensWithoutPerformanceAndThresholdsAreNotForUpdate() throws Exception {
        try (FixtureRepo repo = FixtureRepo.create(tmp)) {
            repo.write("configs/signoff.toml", GateFixtureTest.SUITE);
            repo.commit("suite");
            assertEquals(0, gate(repo, "record", "--update").exit());
            assertFalse(Files.readString(repo.dir.resolve("configs/golden/alpha.json")).contains("performance"));
            FixtureRepo.Result bad = gate(repo, "bad", "--update", "--max-slowdown=10%");
            assertEquals(2, bad.exit(), bad.toString());
            assertTrue(bad.err().contains("--max-slowdown applies to checking goldens, not to --update"), bad.err());
        }
    }
}
