package dev.losscompare.harness;

import java.nio.file.Path;
import org.eclipse.jgit.api.Git;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/**
 * What the real-trainer tests share: this project cloned once per class into a temporary
 * repository ({@link #repoDir}, {@link #git}), and the harness run in it at tiny shapes with a
 * cache kept across test runs (until mvn clean: trees are keyed by content, so trainer builds are
 * reused; every run still trains).
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
abstract class ClonedProjectTest {
    static final String TINY = "--train-options=--training.seq_len=32 --training.local_batch_size=2";

    @TempDir
    static Path tmp;
    Path repoDir;
    Git git;

    /** target/NAME: this class's cache folder. */
    abstract String cacheName();

    @BeforeAll
    void cloneTheProject() throws Exception {
        repoDir = tmp.resolve("clone");
        git = ProjectFiles.cloneInto(repoDir);
    }

    @AfterAll
    void close() {
        if (git != null) git.close();
    }

    HarnessRun run(String name, String... args) {
        return HarnessRun.in(repoDir, Path.of("target", cacheName()).toAbsolutePath(), tmp.resolve("out-" + name), args);
    }
}
