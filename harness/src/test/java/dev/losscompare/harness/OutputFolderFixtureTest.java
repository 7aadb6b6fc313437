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
 * An output folder belongs to one run: a second run on it is refused in one line, and an
 * interrupted run's files do not block the same command.
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
}
