package dev.losscompare.harness.cache;

import dev.losscompare.harness.git.ResolvedRevision;
import dev.losscompare.harness.git.TreeWriter;
import dev.losscompare.harness.git.WorkingTreeCopier;
import dev.losscompare.harness.run.ChildProcess;
import dev.losscompare.harness.run.RunOutcome;
import java.io.IOException;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.time.Instant;
import java.util.Comparator;
import java.util.List;
import java.util.UUID;
import java.util.stream.Stream;
import org.eclipse.jgit.lib.Repository;

/**
 * Materialized revisions and their builds, shared by every harness run on this machine.
 * <pre>
 *   revisions/tree-&lt;tree id&gt;/      a commit's files (same content, same directory and build)
 *   revisions/worktree-&lt;sha256&gt;/    a working-tree snapshot, keyed by what was copied
 *   revisions/&lt;key&gt;.built          marker: the trainer of that directory built successfully
 *   revisions/&lt;key&gt;.build.log
 *   locks/&lt;key&gt;.lock               held while materializing or building that key
 * </pre>
 * A directory only ever appears complete: it is written under a temporary name and renamed.
 * Keys are tree ids, not commit ids, so two commits with identical content share one build.
 */
public final class RevisionCache {
    public static final String TRAINER_SCRIPT = "trainer/run_train.sh";
    private final Path root;
    private final Repository repo;

    public RevisionCache(Path root, Repository repo) {
        this.root = root;
        this.repo = repo;
    }

    public Path root() {
        return root;
    }

    public Path revisionsDir() {
        return root.resolve("revisions");
    }

    public Materialized materialize(ResolvedRevision rev) throws IOException {
        Path revisions = revisionsDir();
        Files.createDirectories(revisions);
        removeStaleTemporaries(revisions);
        if (rev.workingTree()) {
            // The key is only known after copying, so copy first, then publish under the lock.
            Path tmp = revisions.resolve(".tmp-worktree-" + UUID.randomUUID());
            try {
                String key = "worktree-" + WorkingTreeCopier.copy(repo, tmp).substring(0, 40);
                return publish(rev, key, tmp);
            } finally {
                deleteTree(tmp);
            }
        }
        String key = "tree-" + rev.treeId();
        Path dir = revisions.resolve(key);
        if (Files.isDirectory(dir)) return new Materialized(rev, key, dir, true);
        try (KeyedLock lock = lockFor(key)) {
            if (Files.isDirectory(dir)) return new Materialized(rev, key, dir, true);
            Path tmp = revisions.resolve(".tmp-" + key + "-" + UUID.randomUUID());
            try {
                TreeWriter.write(repo, rev.treeId(), tmp);
                moveAtomically(tmp, dir);
            } finally {
                deleteTree(tmp);
            }
            return new Materialized(rev, key, dir, false);
        }
    }

    private Materialized publish(ResolvedRevision rev, String key, Path tmp) throws IOException {
        Path dir = revisionsDir().resolve(key);
        try (KeyedLock lock = lockFor(key)) {
            if (Files.isDirectory(dir)) return new Materialized(rev, key, dir, true);
            moveAtomically(tmp, dir);
            return new Materialized(rev, key, dir, false);
        }
    }

    /**
     * Builds the revision's trainer once ({@code run_train.sh --build-only}); later calls for the
     * same key reuse it. The build log is copied to {@code logCopy} either way.
     */
    public BuildResult build(Materialized m, Path logCopy) throws IOException {
        Path marker = revisionsDir().resolve(m.key() + ".built");
        Path log = revisionsDir().resolve(m.key() + ".build.log");
        try (KeyedLock lock = lockFor(m.key())) {
            if (Files.exists(marker)) {
                copyLog(log, logCopy);
                return new BuildResult(true, true, 0, null, logCopy);
            }
            Path script = m.dir().resolve(TRAINER_SCRIPT);
            if (!Files.isRegularFile(script)) {
                Files.writeString(logCopy, "no " + TRAINER_SCRIPT + " in this revision\n");
                return new BuildResult(false, false, 127,
                        m.revision().spec() + " has no " + TRAINER_SCRIPT + " (is it a revision of this project?)", logCopy);
            }
            RunOutcome out = ChildProcess.run(List.of(script.toString(), "--build-only"), m.dir(), log, (Duration) null);
            copyLog(log, logCopy);
            if (!out.ok()) {
                String why = out.interrupted() ? "interrupted" : "exit " + out.exitCode();
                return new BuildResult(false, false, out.exitCode(),
                        "build of " + m.revision().label() + " failed (" + why + "): " + out.lastLine(), logCopy);
            }
            Files.writeString(marker, Instant.now().toString() + "\n");
            return new BuildResult(true, false, 0, null, logCopy);
        }
    }

    private KeyedLock lockFor(String key) throws IOException {
        return KeyedLock.acquire(root.resolve("locks").resolve(key + ".lock"));
    }

    private static void copyLog(Path log, Path copy) throws IOException {
        Files.createDirectories(copy.toAbsolutePath().getParent());
        if (Files.exists(log)) Files.copy(log, copy, StandardCopyOption.REPLACE_EXISTING);
        else Files.writeString(copy, "(build reused; no log kept)\n");
    }

    private static void moveAtomically(Path from, Path to) throws IOException {
        try {
            Files.move(from, to, StandardCopyOption.ATOMIC_MOVE);
        } catch (AtomicMoveNotSupportedException e) {
            Files.move(from, to);
        }
    }

    /** Temporaries of a crashed or killed run; a day old means nobody is still writing them. */
    private static void removeStaleTemporaries(Path revisions) {
        Instant cutoff = Instant.now().minus(Duration.ofDays(1));
        try (Stream<Path> entries = Files.list(revisions)) {
            entries.filter(p -> p.getFileName().toString().startsWith(".tmp-")).forEach(p -> {
                try {
                    if (Files.getLastModifiedTime(p).toInstant().isBefore(cutoff)) deleteTree(p);
                } catch (IOException ignored) {
                    // another run may be removing it too
                }
            });
        } catch (IOException ignored) {
            // cleanup is best effort
        }
    }

    static void deleteTree(Path dir) throws IOException {
        if (!Files.exists(dir, java.nio.file.LinkOption.NOFOLLOW_LINKS)) return;
        try (Stream<Path> walk = Files.walk(dir)) {
            for (Path p : walk.sorted(Comparator.reverseOrder()).toList()) Files.deleteIfExists(p);
        }
    }
}
