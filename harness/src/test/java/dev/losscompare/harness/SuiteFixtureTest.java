package dev.losscompare.harness;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** --suite with the scripted fixture trainer: many cases, one build per revision, one report. */
class SuiteFixtureTest {
    @TempDir Path tmp;

    static final String SUITE = """
            [[case]]
            name = "alpha"
            config = "configs/llama3_debug.toml"

            [[case]]
            name = "beta"
            config = "configs/llama3_debug.toml"
            options = ["--model.flavor=debugmodel_flex_attn"]

            [[case]]
            name = "gamma"
            config = "configs/llama3_debug.toml"
            options = ["--training.seq_len=16"]
            """;

    private static FixtureRepo repoWithSuite(Path tmp, String suite) throws Exception {
        FixtureRepo repo = FixtureRepo.create(tmp);
        repo.write("signoff.toml", suite);
        repo.commit("suite");
        repo.write("README.md", "a pure refactor\n");
        repo.commit("refactor");
        return repo;
    }

    private static List<String> caseNames(JsonNode comparison) {
        List<String> names = new ArrayList<>();
        comparison.get("cases").forEach(c -> names.add(c.get("name").asText()));
        return names;
    }

    @Test
    void everyCasePassesInOneReportAndEachRevisionIsBuiltOnce() throws Exception {
        try (FixtureRepo repo = repoWithSuite(tmp, SUITE)) {
            FixtureRepo.Result r = repo.run("HEAD~1", "HEAD", "--suite=signoff.toml", "--steps=4");
            assertEquals(0, r.exit(), r.toString());
            JsonNode c = new ObjectMapper().readTree(r.comparisonJson());
            assertEquals(List.of("alpha", "beta", "gamma"), caseNames(c));
            for (JsonNode k : c.get("cases")) assertEquals("PASS", k.get("verdict").asText());
            assertTrue(Files.isRegularFile(r.folder().resolve("beta/test.jsonl")), "a folder per case");
            assertEquals(2, repo.buildCalls(), "each revision built once for all cases");
            assertTrue(r.out().contains("Sign-off: HEAD~1 vs HEAD"), r.out());
            assertTrue(r.out().lines().anyMatch(l -> l.matches("beta\\s+PASS\\s+PASS\\s+PASS\\s+-")), r.out());
            // The case's own options reach the trainer, before the user's.
            assertTrue(repo.calls().stream().anyMatch(l -> l.contains("--model.flavor=debugmodel_flex_attn")));
            assertTrue(r.lastOutLine().startsWith("report: "), r.out());
        }
    }

    @Test
    void aLearningRateChangeFailsEveryCaseAndNamesTheStep() throws Exception {
        try (FixtureRepo repo = repoWithSuite(tmp, SUITE)) {
            repo.write("lr.txt", "0.2\n");
            repo.commit("raise the learning rate");
            FixtureRepo.Result r = repo.run("HEAD~1", "HEAD", "--suite=signoff.toml", "--steps=4");
            assertEquals(1, r.exit(), r.toString());
            // The fixture's grad_norm depends on the learning rate from step 1, its loss from step 2.
            assertTrue(r.out().lines().anyMatch(l -> l.matches("gamma\\s+FAIL\\s+FAIL\\s+FAIL\\s+step 1")), r.out());
            assertTrue(r.out().contains("FAIL gamma (llama3 debugmodel): loss differs from step 2"), r.out());
        }
    }

    @Test
    void aCrashingCaseIsAnErrorBesideThePassingOnes() throws Exception {
        String suite = SUITE + """

                [[case]]
                name = "delta"
                config = "configs/llama3_debug.toml"
                options = ["--fixture.crash_at=3"]
                """;
        try (FixtureRepo repo = repoWithSuite(tmp, suite)) {
            FixtureRepo.Result r = repo.run("HEAD~1", "HEAD", "--suite=signoff.toml", "--steps=4");
            assertEquals(2, r.exit(), r.toString());
            assertTrue(r.out().lines().anyMatch(l -> l.matches("alpha\\s+PASS.*")), r.out());
            assertTrue(r.out().lines().anyMatch(l -> l.matches("delta\\s+ERROR.*could not decide")), r.out());
        }
    }

    @Test
    void casesSelectsASubsetAndAnUnknownNameListsTheValidOnes() throws Exception {
        try (FixtureRepo repo = repoWithSuite(tmp, SUITE)) {
            FixtureRepo.Result r = repo.run("HEAD~1", "HEAD", "--suite=signoff.toml", "--steps=3", "--cases=gamma,alpha");
            assertEquals(0, r.exit(), r.toString());
            assertEquals(List.of("alpha", "gamma"), caseNames(new ObjectMapper().readTree(r.comparisonJson())));

            FixtureRepo.Result bad = repo.run("HEAD~1", "HEAD", "--suite=signoff.toml", "--cases=omega");
            assertEquals(2, bad.exit());
            assertTrue(bad.err().contains("no case 'omega' in the suite (valid: alpha, beta, gamma)"), bad.err());
        }
    }

    /** A suite's top-level steps is how long its comparisons train when --steps is not given; --steps wins. */
    @Test
    void aSuitesStepsAreTheDefaultAndTheCommandLineWins() throws Exception {
        try (FixtureRepo repo = repoWithSuite(tmp, "steps = 2\n" + SUITE)) {
            FixtureRepo.Result r = repo.run("HEAD~1", "HEAD", "--suite=signoff.toml", "--cases=alpha");
            assertEquals(0, r.exit(), r.toString());
            assertTrue(r.out().contains("over 2 steps"), r.out());
            FixtureRepo.Result given = repo.run("HEAD~1", "HEAD", "--suite=signoff.toml", "--cases=alpha", "--steps=3");
            assertTrue(given.out().contains("over 3 steps"), given.out());
            repo.write("zero.toml", "steps = 0\n" + SUITE);
            FixtureRepo.Result zero = repo.run("HEAD~1", "HEAD", "--suite=zero.toml");
            assertEquals(2, zero.exit(), zero.toString());
            assertTrue(zero.err().contains("zero.toml: the top level: steps must be at least 1, got 0"), zero.err());
        }
    }

    @Test
    void malformedSuitesAreOneLineErrors() throws Exception {
        try (FixtureRepo repo = FixtureRepo.create(tmp)) {
            repo.write("dup.toml", "[[case]]\nname = \"a\"\nconfig = \"c\"\n[[case]]\nname = \"a\"\nconfig = \"c\"\n");
            repo.write("typo.toml", "[[case]]\nname = \"a\"\nconfg = \"c\"\n");
            assertTrue(repo.run("HEAD", "HEAD", "--suite=dup.toml").err().contains("case a is listed twice"));
            FixtureRepo.Result typo = repo.run("HEAD", "HEAD", "--suite=typo.toml");
            assertEquals(2, typo.exit());
            assertTrue(typo.err().contains("unknown key 'confg'"), typo.err());
        }
    }
}
