package dev.losscompare.harness;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The gate with the scripted fixture trainer: goldens recorded, checked, broken and re-recorded. */
class GateFixtureTest {
    @TempDir Path tmp;

    static final String SUITE = """
            [gate]
            steps = 3
            train_options = ["--training.seq_len=16"]
            rtol = 1e-3

            [[case]]
            name = "alpha"
            config = "configs/llama3_debug.toml"

            [[case]]
            name = "beta"
            config = "configs/llama3_debug.toml"
            options = ["--model.flavor=debugmodel_flex_attn"]
            """;

    private FixtureRepo repo() throws Exception {
        FixtureRepo repo = FixtureRepo.create(tmp);
        repo.write("configs/signoff.toml", SUITE);
        repo.commit("suite");
        return repo;
    }

    static FixtureRepo.Result gate(FixtureRepo repo, String name, String... extra) {
        String[] args = new String[extra.length + 2];
        args[0] = "gate";
        args[1] = "--output-folder=" + repo.outputs.resolve(name);
        System.arraycopy(extra, 0, args, 2, extra.length);
        return repo.run(args);
    }

    @Test
    void recordedGoldensPassThenALearningRateChangeFailsUntilReRecorded() throws Exception {
        try (FixtureRepo repo = repo()) {
            FixtureRepo.Result rec = gate(repo, "record", "--update");
            assertEquals(0, rec.exit(), rec.toString());
            assertTrue(rec.out().contains("alpha: new golden -> configs/golden/alpha.json"), rec.out());
            assertTrue(Files.readString(repo.dir.resolve("configs/golden/beta.json")).contains("debugmodel_flex_attn"));

            FixtureRepo.Result pass = gate(repo, "pass");
            assertEquals(0, pass.exit(), pass.toString());
            assertTrue(pass.out().contains("PASS alpha (llama3 debugmodel): loss, grad_norm identical over 3 steps"), pass.out());

            repo.write("lr.txt", "0.3\n");
            FixtureRepo.Result fail = gate(repo, "fail");
            assertEquals(1, fail.exit(), fail.toString());
            assertTrue(fail.out().contains("FAIL alpha (llama3 debugmodel): loss differs from step 2"), fail.out());
            assertTrue(Files.isRegularFile(repo.outputs.resolve("fail/junit.xml")));

            FixtureRepo.Result again = gate(repo, "rerecord", "--update");
            assertEquals(0, again.exit(), again.toString());
            // The fixture's grad_norm follows the learning rate from step 1: the review sees where.
            assertTrue(again.out().contains("alpha: changed from step 1"), again.out());
            assertEquals(0, gate(repo, "pass-again").exit());
        }
    }

    @Test
    void aGoldenFromAnotherTorchVersionIsAnEnvironmentDifferenceNotAFailure() throws Exception {
        try (FixtureRepo repo = repo()) {
            assertEquals(0, gate(repo, "record", "--update").exit());
            Path golden = repo.dir.resolve("configs/golden/alpha.json");
            Files.writeString(golden, Files.readString(golden).replace("\"torch_version\" : \"unknown\"", "\"torch_version\" : \"2.9.1\""));
            FixtureRepo.Result r = gate(repo, "env", "--cases=alpha");
            assertEquals(0, r.exit(), r.toString());
            assertTrue(r.out().contains("environment differs from the golden's (torch_version 2.9.1 -> unknown)"), r.out());
            assertTrue(r.out().contains("loss, grad_norm within atol=1.0e-06 rtol=1.0e-03 over 3 steps"
                    + " [tolerance atol=1.0e-06 rtol=1.0e-03: environment differs from the golden's"), r.out());
            // The mode used, not the mode asked for, is what every output states.
            String tolerance = "tolerance atol=1.0e-06 rtol=1.0e-03";
            Path out = repo.outputs.resolve("env");
            assertTrue(Files.readString(out.resolve("summary.md")).contains("1 case · " + tolerance + " ·"));
            assertTrue(Files.readString(out.resolve("summary.md")).contains("environment differs"));
            assertTrue(Files.readString(out.resolve("junit.xml")).contains("<property name=\"mode\" value=\"" + tolerance + "\"/>"));
            assertTrue(Files.readString(out.resolve("report.html")).contains("· " + tolerance + " · exit code 0"));
            assertFalse(Files.readString(out.resolve("report.html")).contains("bitwise"));
            var c = dev.losscompare.core.result.ComparisonJson.read(out.resolve("comparison.json"));
            assertEquals(tolerance, c.modeUsed());
            assertEquals(dev.losscompare.core.judge.ComparisonMode.Kind.TOLERANCE, c.cases().get(0).mode().kind());
        }
    }

    @Test
    void aMissingGoldenIsAnErrorThatSaysHowToRecordOne() throws Exception {
        try (FixtureRepo repo = repo()) {
            FixtureRepo.Result r = gate(repo, "missing", "--cases=beta");
            assertEquals(2, r.exit(), r.toString());
            assertTrue(r.err().contains("no golden series configs/golden/beta.json; record one with: ./loss_compare.sh gate --update"), r.err());
        }
    }
}
