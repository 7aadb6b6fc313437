package dev.losscompare.harness;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Ctrl-C stops both trainer process trees and leaves no result a later run could take for complete. */
class InterruptTest {
    @TempDir
    Path tmp;

    @Test
    void ctrlCKillsBothRunsAndWritesNoResult() throws Exception {
        try (FixtureRepo repo = FixtureRepo.create(tmp)) {
            Path out = tmp.resolve("interrupted");
            Path log = tmp.resolve("harness.log");
            Process harness = HarnessProcess.start(repo, log, "HEAD", "HEAD", "--steps=50", "--jobs=2",
                    "--train-options=--fixture.sleep=1 --fixture.spawn_child=1", "--output-folder=" + out);
            Path pids = repo.cache.resolve("trainer.pid");
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
            while ((!Files.exists(pids) || Files.readAllLines(pids).size() < 2) && System.nanoTime() < deadline && harness.isAlive()) {
                Thread.sleep(100);
            }
            assertTrue(Files.exists(pids) && Files.readAllLines(pids).size() == 2, "both trainers started: " + Files.readString(log));
            Thread.sleep(1500);   // both runs are writing steps now
            new ProcessBuilder("kill", "-INT", Long.toString(harness.pid())).start().waitFor();
            assertTrue(harness.waitFor(30, TimeUnit.SECONDS), "harness did not stop");
            assertEquals(130, harness.exitValue(), Files.readString(log));
            assertTrue(Files.readString(log).contains("loss_compare: interrupted; stopped the trainer runs; no result written to "),
                    Files.readString(log));
            CompareFixtureTest.assertNoneAlive(pids);
            CompareFixtureTest.assertNoneAlive(repo.cache.resolve("child.pid"));
            assertFalse(Files.exists(out.resolve("comparison.json")), "no result after an interrupt");
            assertFalse(Files.exists(out.resolve("llama3_debugmodel/baseline.jsonl")), "series stay under their partial name");
            assertFalse(Files.exists(out.resolve("llama3_debugmodel/seed_checkpoint.safetensors")));
            // The same command may use the folder again: the interrupted run's files are no result, and its claim says so.
            assertEquals("interrupted", Files.readString(out.resolve(dev.losscompare.harness.engine.OutputFolders.LOCK)));
            FixtureRepo.Result again = repo.run("HEAD", "HEAD", "--steps=2", "--output-folder=" + out);
            assertEquals(0, again.exit(), again.toString());
        }
    }
}
