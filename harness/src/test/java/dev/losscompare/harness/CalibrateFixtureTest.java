package dev.losscompare.harness;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.losscompare.core.noise.NoiseEnvelopeFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** calibrate with the fixture trainer: what it refuses before anything is written, and trainers without a seed checkpoint. */
class CalibrateFixtureTest {
    @TempDir Path tmp;

    /** The fixture trainer driven as another project's trainer that initializes itself from the seed (no seed checkpoint). */
    static final String SEEDLESS = """
            [trainer]
            preset = "command"
            command = ["trainer/run_train.sh"]
            args = ["--config={config}", "--training.steps={steps}", "--metrics.path={metrics}"]
            metrics = "jsonl"
            seed = "none"
            """;

    @Test
    void aTrainerWithoutSeedCheckpointIsCalibratedByRepeats() throws Exception {
        try (FixtureRepo repo = FixtureRepo.create(tmp)) {
            repo.write("seedless.toml", SEEDLESS);
            repo.commit("seedless trainer");
            for (List<String> extra : List.of(List.<String>of(), List.of("--no-seed-checkpoint"))) {
                Path out = repo.outputs.resolve("seedless" + extra.size());
                List<String> args = new java.util.ArrayList<>(List.of("calibrate", "HEAD", "--trainer=seedless.toml", "--runs=2",
                        "--steps=2", "--output-folder=" + out));
                args.addAll(extra);
                FixtureRepo.Result r = repo.run(args.toArray(String[]::new));
                assertEquals(0, r.exit(), r.toString());
                assertFalse(r.out().contains("seed checkpoint"), r.out());
                var e = NoiseEnvelopeFile.read(NoiseEnvelopeFile.inFolder(out, "llama3_debugmodel"));
                assertEquals(2, e.calibration().runs());
                assertEquals(List.of(0.0, 0.0), e.bands().get("loss"), "repeats of a deterministic trainer: bitwise");
            }
            assertTrue(repo.calls().stream().noneMatch(l -> l.contains("create_seed_checkpoint")), String.join("\n", repo.calls()));
            // This repository's trainer is perturbed through its seed checkpoint: without one, say so before anything runs.
            FixtureRepo.Result own = repo.run("calibrate", "HEAD", "--no-seed-checkpoint", "--runs=2", "--steps=2");
            assertEquals(2, own.exit(), own.toString());
            assertTrue(own.err().contains("calibrate perturbs this trainer's initial weights through the seed checkpoint: drop"
                    + " --no-seed-checkpoint"), own.err());
        }
    }

    @Test
    void everyRunOfFromRunsMustHaveStepsOneToNAndARefusalLeavesNoFolder() throws Exception {
        try (FixtureRepo repo = FixtureRepo.create(tmp)) {
            Path a = run(repo, "a.jsonl", 2, 0), b = run(repo, "b.jsonl", 3, 1e-6), c = run(repo, "c.jsonl", 3, 2e-6);
            // The short run first, with and without --steps, or in the middle: the same refusal.
            for (List<String> order : List.of(List.of("--steps=3", "--from-runs", a.toString(), b.toString(), c.toString()),
                    List.of("--from-runs", a.toString(), b.toString(), c.toString()),
                    List.of("--from-runs", b.toString(), a.toString(), c.toString()))) {
                Path out = repo.outputs.resolve("refused");
                List<String> args = new java.util.ArrayList<>(List.of("calibrate", "--output-folder=" + out));
                args.addAll(order);
                FixtureRepo.Result r = repo.run(args.toArray(String[]::new));
                assertEquals(2, r.exit(), r.toString());
                assertTrue(r.err().contains("series has 2 steps, expected steps 1..3: a calibration run must be complete"), r.err());
                assertFalse(Files.exists(out), "a refused --from-runs leaves no output folder");
            }
            Path out = repo.outputs.resolve("made");
            FixtureRepo.Result r = repo.run("calibrate", "--output-folder=" + out, "--from-runs", b.toString(), c.toString(),
                    run(repo, "d.jsonl", 3, 3e-6).toString());
            assertEquals(0, r.exit(), r.toString());
            assertTrue(r.out().contains(", 3 steps; margin 10\u00d7 by default"), r.out());
        }
    }

    /** A run of {@code steps} steps whose loss sits {@code offset} away from the others'. */
    private static Path run(FixtureRepo repo, String name, int steps, double offset) throws Exception {
        StringBuilder s = new StringBuilder("{\"meta\":{\"model\":\"llama3\",\"flavor\":\"debugmodel\"}}\n");
        for (int k = 1; k <= steps; k++) {
            s.append("{\"step\":").append(k).append(",\"loss\":").append(8 - 0.1 * k + offset).append(",\"grad_norm\":")
                    .append(1.5 + offset).append("}\n");
        }
        Path f = repo.outputs.resolve(name);
        Files.writeString(f, s);
        return f;
    }
}
