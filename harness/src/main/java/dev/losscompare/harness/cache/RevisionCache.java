package dev.losscompare.harness.cache;

import dev.losscompare.harness.git.ResolvedRevision;
import dev.losscompare.harness.git.RevisionContent;
import dev.losscompare.harness.git.WorkingTreeInputs;
import dev.losscompare.harness.adapter.Launch;
import dev.losscompare.harness.launch.LocalLauncher;
import dev.losscompare.harness.launch.RunLauncher;
import dev.losscompare.core.text.Durations;
import dev.losscompare.harness.run.RunOutcome;
import dev.losscompare.harness.run.TrainerArgs;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.UUID;
import java.util.function.Consumer;
import org.eclipse.jgit.lib.Repository;

/**
 * Materialized revisions and their builds, shared by every harness run on this machine.
 * <pre>
 *   revisions/tree-&lt;tree id&gt;/      a revision's files, as checkout writes them (same tree, same
 *                                    directory and build; a clean working tree is keyed like HEAD)
 *   revisions/inputs-&lt;sha&gt;/        only a suite's declared input paths, keyed by their git ids
 *   revisions/&lt;key&gt;-wt-&lt;sha&gt;/    the same with a trainer's from_working_tree paths symlinked in
 *   revisions/&lt;key&gt;.built          marker: the trainer of that directory built successfully
 *   revisions/&lt;key&gt;.build.log
 *   builds/&lt;module&gt;-&lt;digest&gt;/       a build kept by its sources (trainer/cached_build.sh): a tree
 *                                    whose trainer sources another tree has copies its jar
 *   locks/&lt;key&gt;.lock               held while materializing or building that key
 *   locks/&lt;key&gt;.lock.holder        who holds it (pid, command, since)
 * </pre>
 * A key gets a {@code -<hash>} suffix when the git config sets eol/filter options. A directory
 * only ever appears complete: it is written under a temporary name and renamed.
 */
public final class RevisionCache {
    /** The variable trainer/cached_build.sh reads for its build store. */
    public static final String BUILD_STORE_VARIABLE = "LOSS_COMPARE_BUILD_STORE";
    private final Path root;
    private final Repository repo;
    private final Consumer<String> notices;
    private final Path buildStore;

    public RevisionCache(Path root, Repository repo) {
        this(root, repo, System.err);
    }

    public RevisionCache(Path root, Repository repo, PrintStream notices) {
        this(root, repo, notices, CacheLocation.defaultBuildStore(root));
    }

    /**
     * @param notices where "waiting for the build lock held by ..." goes
     * @param buildStore where builds are kept by their sources (trainer/cached_build.sh's
     *     LOSS_COMPARE_BUILD_STORE), so trees with the same trainer sources build once
     */
    public RevisionCache(Path root, Repository repo, PrintStream notices, Path buildStore) {
        this.root = root;
        this.repo = repo;
        this.notices = notices::println;
        this.buildStore = buildStore;
    }

    public Path root() {
        return root;
    }

    public Path revisionsDir() {
        return root.resolve("revisions");
    }

    public Materialized materialize(ResolvedRevision rev) throws IOException {
        return materialize(rev, List.of());
    }

    /**
     * Materializes {@code rev}, or only its {@code inputs} (repository-relative paths, e.g.
     * "trainer/", "configs/", "pom.xml") when given: then the key covers just those paths, so a
     * revision that differs elsewhere (a README edit) shares the directory, build and results.
     * The working tree is keyed first and copied only on a cache miss.
     */
    public Materialized materialize(ResolvedRevision rev, List<String> inputs) throws IOException {
        return materialize(rev, inputs, WorkingTreeInputs.NONE);
    }

    /**
     * The same with {@code linked} paths symlinked in from the user's working tree (a trainer's
     * from_working_tree): the directory's key then also names the links (path and target), so
     * revisions linked to other working trees never share a directory.
     */
    public Materialized materialize(ResolvedRevision rev, List<String> inputs, WorkingTreeInputs linked) throws IOException {
        return materialize(rev, inputs, linked, null);
    }

    /**
     * The same in a directory of its own for {@code buildVariant} (an environment's Maven
     * properties; null: the default build), so two builds of one revision never share a target/.
     */
    public Materialized materialize(ResolvedRevision rev, List<String> inputs, WorkingTreeInputs linked, String buildVariant)
            throws IOException {
        Path revisions = revisionsDir();
        Files.createDirectories(revisions);
        StaleTemporaries.sweep(revisions);
        RevisionContent content = RevisionContent.of(repo, rev, inputs);
        String key = content.key() + (linked.isEmpty() ? "" : "-wt-" + linked.linkKey())
                + (buildVariant == null ? "" : "-env-" + dev.losscompare.harness.io.Sha256.hex(buildVariant).substring(0, 12));
        Path dir = revisions.resolve(key);
        if (Files.isDirectory(dir)) return new Materialized(rev, key, dir, true, linked);
        try (KeyedLock lock = lockFor(key, "cache lock")) {
            if (Files.isDirectory(dir)) return new Materialized(rev, key, dir, true, linked);
            Path tmp = revisions.resolve(StaleTemporaries.PREFIX + key + "-" + UUID.randomUUID());
            try {
                content.writeTo(tmp);
                linked.linkInto(tmp);
                moveAtomically(tmp, dir);
            } finally {
                StaleTemporaries.deleteTree(tmp);
            }
            return new Materialized(rev, key, dir, false, linked);
        }
    }

    /**
     * Builds the revision's trainer once ({@code run_train.sh --build-only}); later calls for the
     * same key reuse it. The build log is copied to {@code logCopy} either way. A build that runs
     * longer than {@code timeout} (null: no limit), or is interrupted, is killed with its whole
     * process tree and is not marked built.
     */
    public BuildResult build(Materialized m, Path logCopy, Duration timeout) throws IOException {
        return build(m, logCopy, timeout, List.of(m.dir().resolve(TrainerArgs.TRAINER_SCRIPT).toString(), "--build-only"),
                java.util.Map.of(), LocalLauncher.INSTANCE);
    }

    /**
     * The same with another trainer's build command (an argument list whose first word is a path in
     * the revision or a program on PATH); an empty command means nothing to build. The marker is
     * per command, so two trainers of one tree never share a build. {@code launcher}: the call's
     * (a build goes through it when it takes builds).
     */
    public BuildResult build(Materialized m, Path logCopy, Duration timeout, List<String> command, java.util.Map<String, String> environment,
                             RunLauncher launcher) throws IOException {
        if (command.isEmpty()) {
            writeLog(logCopy, "nothing to build for this trainer\n");
            return new BuildResult(true, true, 0, null, logCopy);
        }
        String id = m.key() + (command.get(0).endsWith(TrainerArgs.TRAINER_SCRIPT) && command.size() == 2 ? ""
                : "-" + dev.losscompare.harness.io.Sha256.hex(String.join("\u0000", command).replace(m.dir().toString(), "")).substring(0, 12));
        Path marker = revisionsDir().resolve(id + ".built");
        Path log = revisionsDir().resolve(id + ".build.log");
        try (KeyedLock lock = lockFor(m.key(), "build lock")) {
            if (Files.exists(marker)) {
                copyLog(log, logCopy);
                return new BuildResult(true, true, 0, null, logCopy);
            }
            Path script = m.dir().resolve(command.get(0));
            if (command.get(0).contains("/") && !Files.isRegularFile(script)) {
                String name = m.dir().relativize(script).toString();
                writeLog(logCopy, "no " + name + " in this revision\n");
                return new BuildResult(false, false, 127,
                        m.revision().spec() + " has no " + name + " (is it a revision of this project?)", logCopy);
            }
            java.util.Map<String, String> env = new java.util.LinkedHashMap<>(environment);
            env.put(BUILD_STORE_VARIABLE, buildStore.toString());
            RunOutcome out = launcher.build(new Launch(command, m.dir(), env), log, timeout);
            copyLog(log, logCopy);
            if (!out.ok()) {
                String why = out.timedOut() ? "timed out after " + Durations.human(timeout) + "; the build and its processes were killed" + out.jobNote()
                        : out.interrupted() ? "interrupted" : "exit " + out.exitCode();
                return new BuildResult(false, false, out.exitCode(),
                        "build of " + m.revision().label() + " failed (" + why + "): " + out.lastLine(), logCopy);
            }
            Files.writeString(marker, Instant.now().toString() + "\n");
            return new BuildResult(true, false, 0, null, logCopy);
        }
    }

    private KeyedLock lockFor(String key, String what) throws IOException {
        return KeyedLock.acquire(root.resolve("locks").resolve(key + ".lock"), what, notices);
    }


    private static void copyLog(Path log, Path copy) throws IOException {
        if (Files.exists(log)) {
            Files.createDirectories(copy.toAbsolutePath().getParent());
            Files.copy(log, copy, StandardCopyOption.REPLACE_EXISTING);
        } else {
            writeLog(copy, "(build reused; no log kept)\n");
        }
    }

    /** The build log's copy in an output folder whose subfolder (bisect's good/, a probe's) may not exist yet. */
    private static void writeLog(Path copy, String text) throws IOException {
        Files.createDirectories(copy.toAbsolutePath().getParent());
        Files.writeString(copy, text);
    }

    private static void moveAtomically(Path from, Path to) throws IOException {
        try {
            Files.move(from, to, StandardCopyOption.ATOMIC_MOVE);
        } catch (AtomicMoveNotSupportedException e) {
            Files.move(from, to);
        }
    }

    static void deleteTree(Path dir) throws IOException {
        StaleTemporaries.deleteTree(dir);
    }
}
