package dev.losscompare.harness;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.losscompare.core.result.ComparisonJson;
import dev.losscompare.core.series.MetricsFile;
import dev.losscompare.core.series.RunSeries;
import dev.losscompare.harness.suite.SuiteFile;
import java.nio.file.Files;
import java.nio.file.Path;
import org.eclipse.jgit.api.Git;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The defects of the single-pipeline rewrite, each pinned: every one of these passed silently before. */
class PipelineContractTest {
    @TempDir
    Path tmp;

    private Path suite(String toml) throws Exception {
        Path f = tmp.resolve("suite-" + Math.abs(toml.hashCode()) + ".toml");
        Files.writeString(f, toml);
        return f;
    }

    @Test
    void optionsGivenAsAStringAreAnErrorNotNoOptions() throws Exception {
        Path f = suite("[[case]]\nname = \"llama3_flex\"\nconfig = \"c.toml\"\noptions = \"--model.flavor=debugmodel_flex_attn\"\n");
        UsageException e = assertThrows(UsageException.class, () -> SuiteFile.readSuite(f));
        assertTrue(e.getMessage().contains("case llama3_flex: options must be a list of strings"), e.getMessage());
    }

    @Test
    void dotNamesWrongTypesAndUnknownKeysAreOneLineErrors() throws Exception {
        for (String name : new String[] {".", "..", ".hidden"}) {
            Path f = suite("[[case]]\nname = \"" + name + "\"\nconfig = \"c.toml\"\n");
            UsageException e = assertThrows(UsageException.class, () -> SuiteFile.readSuite(f));
            assertTrue(e.getMessage().contains("got '" + name + "'"), e.getMessage());
        }
        Path steps = suite("[gate]\nsteps = \"3\"\n[[case]]\nname = \"a\"\nconfig = \"c.toml\"\n");
        assertTrue(assertThrows(UsageException.class, () -> SuiteFile.readSuite(steps)).getMessage()
                .contains("[gate]: steps must be a whole number, got the string \"3\""));
        Path typo = suite("[[case]]\nname = \"a\"\nconfig = \"c.toml\"\noption = [\"--x\"]\n");
        assertTrue(assertThrows(UsageException.class, () -> SuiteFile.readSuite(typo)).getMessage()
                .contains("case a: unknown key 'option' (valid: atol, baseline_ngpus, baseline_options, config, name, ngpus, options, resume_at, rtol, test_ngpus, test_options)"));
        Path inputs = suite("inputs = [\"trainer/\", \"configs/\"]\n[[case]]\nname = \"a\"\nconfig = \"c.toml\"\n");
        assertEquals(java.util.List.of("trainer/", "configs/"), SuiteFile.readSuite(inputs).inputs());
    }

    @Test
    void aNullInTheMetaLineIsReadNotACrash() throws Exception {
        Path f = tmp.resolve("m.jsonl");
        Files.writeString(f, "{\"meta\":{\"torch_version\":null,\"threads\":1}}\n{\"step\":1,\"loss\":2.5}\n");
        RunSeries s = MetricsFile.read(f);
        assertFalse(s.meta().containsKey("torch_version"));
        assertEquals(2.5, s.steps().get(0).value("loss"));
    }

    @Test
    void aShortBaselineIsAnErrorNamingTheBaseline() throws Exception {
        try (FixtureRepo repo = FixtureRepo.create(tmp)) {
            FixtureRepo.Result r = repo.run("HEAD", "HEAD", "--steps=5", "--baseline-train-options=--fixture.stop_at=3");
            assertEquals(2, r.exit(), r.toString());
            assertEquals("ERROR llama3 debugmodel: the baseline series has 3 steps, expected steps 1..5", r.verdict());
        }
    }

    @Test
    void optionsBeforeACommandAreAnErrorAndARevisionNamedLikeACommandIsReachable() throws Exception {
        try (FixtureRepo repo = FixtureRepo.create(tmp)) {
            FixtureRepo.Result misplaced = repo.run("--steps=3", "gate");
            assertEquals(2, misplaced.exit(), misplaced.toString());
            assertTrue(misplaced.err().contains("option --steps=3 before 'gate' has no effect there"), misplaced.err());
            FixtureRepo.Result unknown = repo.run("gate", "--steps=3");
            assertEquals(2, unknown.exit(), unknown.toString());
            assertTrue(unknown.err().contains("Unknown option: '--steps=3'"), unknown.err());

            repo.git.branchCreate().setName("gate").call();
            FixtureRepo.Result branch = repo.run("compare", "gate", "HEAD", "--steps=2");
            assertEquals(0, branch.exit(), branch.toString());
            assertTrue(branch.out().contains("baseline: gate"), branch.out());
        }
    }

    @Test
    void gateModesAreStatedAsUsedAndStrictRefusesAnEnvironmentDifference() throws Exception {
        try (FixtureRepo repo = FixtureRepo.create(tmp)) {
            repo.write("configs/signoff.toml", GateFixtureTest.SUITE);
            repo.commit("suite");
            assertEquals(0, repo.run("gate", "--output-folder=" + repo.outputs.resolve("rec"), "--update").exit());
            // The gate runs with the portable kernel set, and the golden records it.
            String golden = Files.readString(repo.dir.resolve("configs/golden/alpha.json"));
            assertTrue(golden.contains("\"kernels\" : \"portable\""), golden);
            assertTrue(golden.contains("\"cpu_capability\" : \"avx2\""), golden);

            FixtureRepo.Result mixed = repo.run("gate", "--output-folder=" + repo.outputs.resolve("mixed"), "--native-kernels",
                    "--cases=alpha");
            assertEquals(0, mixed.exit(), mixed.toString());
            assertTrue(mixed.out().contains("environment differs from the golden's (cpu_capability avx2 -> native, kernels portable -> native)"),
                    mixed.out());

            Path beta = repo.dir.resolve("configs/golden/beta.json");
            Files.writeString(beta, Files.readString(beta).replace("\"torch_version\" : \"unknown\"", "\"torch_version\" : \"2.9.1\""));
            FixtureRepo.Result both = repo.run("gate", "--output-folder=" + repo.outputs.resolve("both"));
            assertEquals(0, both.exit(), both.toString());
            String header = "mixed (1 bitwise, 1 tolerance)";
            assertTrue(both.out().contains("Sign-off: configs/golden vs . · " + header), both.out());
            Path out = repo.outputs.resolve("both");
            assertTrue(Files.readString(out.resolve("summary.md")).contains(header));
            assertTrue(Files.readString(out.resolve("junit.xml")).contains("value=\"" + header + "\""));
            assertTrue(Files.readString(out.resolve("report.html")).contains(header));
            assertEquals(header, ComparisonJson.read(out.resolve("comparison.json")).modeUsed());

            FixtureRepo.Result strict = repo.run("gate", "--output-folder=" + repo.outputs.resolve("strict"), "--strict");
            assertEquals(2, strict.exit(), strict.toString());
            assertTrue(strict.err().contains("ERROR beta (llama3 debugmodel_flex_attn): environment differs from the golden's"
                    + " (torch_version 2.9.1 -> unknown) and --strict requires a bitwise comparison"), strict.err());
            assertTrue(strict.out().contains("PASS alpha"), strict.out());
        }
    }

    @Test
    void sidesWithDifferentRankCountsUseTheCasesToleranceAndSaySo() throws Exception {
        try (FixtureRepo repo = FixtureRepo.create(tmp)) {
            repo.write("parity.toml", "[[case]]\nname = \"p\"\nconfig = \"configs/llama3_debug.toml\"\nbaseline_ngpus = 1\n"
                    + "test_ngpus = 2\ntest_options = [\"--fixture.x=1\"]\natol = 1e-6\nrtol = 1e-5\n");
            repo.commit("parity suite");
            FixtureRepo.Result r = repo.run("HEAD", "HEAD", "--suite=parity.toml", "--steps=3");
            assertEquals(0, r.exit(), r.toString());
            assertTrue(r.out().contains("PASS p (llama3 debugmodel): loss, grad_norm within atol=1.0e-06 rtol=1.0e-05 over 3 steps"
                    + " [tolerance atol=1.0e-06 rtol=1.0e-05: the sides run 1 and 2 ranks"), r.out());
            String test = Files.readString(r.folder().resolve("p/test.jsonl"));
            String base = Files.readString(r.folder().resolve("p/baseline.jsonl"));
            assertTrue(test.contains("\"world_size\":2") && base.contains("\"world_size\":1"), test + base);
            assertTrue(repo.calls().stream().anyMatch(l -> l.contains("--fixture.x=1")), "the test side's own options reach it");
            // --ngpus for both sides: the same rank count, so bitwise again.
            FixtureRepo.Result same = repo.run("HEAD", "HEAD", "--suite=parity.toml", "--steps=3", "--ngpus=2");
            assertEquals(0, same.exit(), same.toString());
            assertTrue(same.out().contains("loss, grad_norm identical over 3 steps"), same.out());
        }
    }

    @Test
    void aRevisionMissingFromAShallowCloneSaysHowToFetchIt() throws Exception {
        try (FixtureRepo repo = FixtureRepo.create(tmp)) {
            repo.write("lr.txt", "0.2\n");
            repo.commit("second");
            Path shallow = tmp.resolve("shallow");
            Git.cloneRepository().setURI(repo.dir.toUri().toString()).setDirectory(shallow.toFile()).setDepth(1).call().close();
            HarnessRun r = HarnessRun.interleaved(shallow, java.util.Map.of("LOSS_COMPARE_CACHE", repo.cache.toString()),
                    "HEAD~1", "HEAD", "--steps=2");
            assertEquals(2, r.exit(), r.out());
            assertTrue(r.out().contains("this clone is shallow") && r.out().contains("git fetch --unshallow"), r.out());
        }
    }
}
