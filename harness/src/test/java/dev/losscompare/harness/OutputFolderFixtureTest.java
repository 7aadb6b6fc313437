package dev.losscompare.harness;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.losscompare.harness.engine.OutputFolders;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * An output folder belongs to one run (a second run on it is refused in one line, an interrupted
 * run's files do not block the same command), and a refused calibrate --from-runs leaves none.
 */
class OutputFolderFixtureTest {
    @TempDir Path tmp;

    @Test
    void aSecondRunOnTheSameFolderIsRefusedWhileTheFirstRunsAndTheFirstIsUntouched() throws Exception {
        try (FixtureRepo repo = FixtureRepo.create(tmp)) {
            Path out = repo.outputs.resolve("shared");
            // The first run is slow enough (a short sleep per step) to be running when the second starts.
            CompletableFuture<FixtureRepo.Result> first = CompletableFuture.supplyAsync(() -> repo.run("HEAD", "HEAD", "--steps=3",
                    "--train-options=--fixture.sleep=0.3", "--output-folder=" + out));
            while (!Files.exists(out.resolve(OutputFolders.LOCK)) && !first.isDone()) Thread.onSpinWait();
            FixtureRepo.Result second = repo.run("HEAD", "HEAD", "--steps=3", "--output-folder=" + out);
            FixtureRepo.Result done = first.get();
            assertEquals(0, done.exit(), done.toString());
            assertEquals(2, second.exit(), second.toString());
            assertEquals("loss_compare: output folder " + out + " is in use by another loss_compare run (process "
                    + ProcessHandle.current().pid() + "); wait for it to finish or pick another --output-folder", second.err().strip());
            // The first run's results are its own, and the claim is gone with it.
            assertTrue(Files.isRegularFile(out.resolve("comparison.json")));
            assertFalse(Files.exists(out.resolve(OutputFolders.LOCK)));
            assertFalse(done.out().contains("initialization differs"), done.out());

            FixtureRepo.Result again = repo.run("HEAD", "HEAD", "--steps=3", "--output-folder=" + out);
            assertEquals(2, again.exit(), again.toString());
            assertTrue(again.err().contains("output folder " + out + " already exists and is not empty"), again.err());
        }
    }

    @Test
    void anInterruptedRunsFolderIsUsedAgainByTheSameCommand() throws Exception {
        try (FixtureRepo repo = FixtureRepo.create(tmp)) {
            Process gone = new ProcessBuilder("true").start();
            gone.waitFor();
            // Marked by the shutdown hook, or left by a run killed before it could mark it (its process is gone).
            for (String claim : List.of("interrupted", String.valueOf(gone.pid()))) {
                Path out = repo.outputs.resolve("after-" + claim);
                Files.createDirectories(out.resolve("llama3_debugmodel"));
                Files.writeString(out.resolve(OutputFolders.LOCK), claim);
                Files.writeString(out.resolve("llama3_debugmodel/baseline.jsonl.partial"), "{\"step\":1,\"lo");
                FixtureRepo.Result r = repo.run("HEAD", "HEAD", "--steps=2", "--output-folder=" + out);
                assertEquals(0, r.exit(), r.toString());
                assertFalse(Files.exists(out.resolve("llama3_debugmodel/baseline.jsonl.partial")));
                assertTrue(Files.isRegularFile(out.resolve("comparison.json")));
            }
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
            assertTrue(r.out().contains(", 3 steps)"), r.out());
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
