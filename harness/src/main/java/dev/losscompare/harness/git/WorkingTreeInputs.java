package dev.losscompare.harness.git;

import dev.losscompare.core.result.WorkingTreeInput;
import dev.losscompare.harness.UsageException;
import dev.losscompare.harness.io.Sha256;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Stream;

/**
 * Paths every materialized revision takes from the user's working tree, tracked or not (a
 * {@code [trainer]}'s {@code from_working_tree}: data a prepare script wrote into a git-ignored
 * folder, a downloaded tokenizer). Each is symlinked into the revision at the same relative path,
 * replacing whatever the revision has there; nothing is copied and nothing is ever written back.
 * Fingerprinted once when the comparison starts ({@link InputFingerprint}); the fingerprints enter
 * every run's result key, and {@link #changed()} rechecks them after each run, since a trainer
 * could write through a link: such a run is an ERROR, never a result.
 */
public final class WorkingTreeInputs {
    public static final WorkingTreeInputs NONE = new WorkingTreeInputs(null, List.of());

    private final Path workTree;
    private final List<WorkingTreeInput> fingerprints;

    private WorkingTreeInputs(Path workTree, List<WorkingTreeInput> fingerprints) {
        this.workTree = workTree;
        this.fingerprints = List.copyOf(fingerprints);
    }

    /**
     * The listed paths (relative to the repository root) as they are now in {@code workTree}; a
     * path that is absolute, leaves the tree, names .git, or does not exist is a UsageException.
     */
    public static WorkingTreeInputs of(Path workTree, List<String> listed) {
        if (listed.isEmpty()) return NONE;
        if (workTree == null) throw new UsageException(UsageException.Reason.FILE, "from_working_tree needs a repository with a working tree (this one is bare)");
        Path root = workTree.toAbsolutePath().normalize();
        List<WorkingTreeInput> out = new ArrayList<>();
        for (String path : listed) {
            Path p = root.resolve(path).normalize();
            if (Path.of(path).isAbsolute() || !p.startsWith(root) || p.equals(root) || root.relativize(p).startsWith(".git")) {
                throw new UsageException(UsageException.Reason.FILE, "from_working_tree: '" + path + "' must be a path inside the repository, relative to its root"
                        + " (e.g. \"data/\")");
            }
            if (!Files.exists(p)) {
                throw new UsageException(UsageException.Reason.FILE, "from_working_tree: " + path + " does not exist in the working tree " + root
                        + "; create it (e.g. run the data preparation step) or remove it from the list");
            }
            String normalized = root.relativize(p).toString() + (Files.isDirectory(p) ? "/" : "");
            try {
                out.add(InputFingerprint.of(root, normalized));
            } catch (IOException e) {
                throw new UsageException(UsageException.Reason.FILE, "from_working_tree: cannot read " + path + ": " + e.getMessage());
            }
        }
        return new WorkingTreeInputs(root, out);
    }

    public boolean isEmpty() {
        return fingerprints.isEmpty();
    }

    /** Each listed path with its fingerprint, as the reports show them. */
    public List<WorkingTreeInput> fingerprints() {
        return fingerprints;
    }

    /**
     * How the inputs line names a path: its fingerprint, and where it really is when a link takes it
     * out of the repository (the run reads that place, which no revision and no git status shows).
     */
    public String describe(WorkingTreeInput f) {
        Path at = workTree.resolve(f.path());
        try {
            Path real = at.toRealPath();
            if (!real.startsWith(workTree.toRealPath())) return f.describe() + ", a link to " + real + " outside the repository";
        } catch (IOException e) {
            // gone since it was fingerprinted: the recheck after the run says so
        }
        return f.describe();
    }

    /** What the result keys take: every path and its fingerprint (empty when nothing is listed). */
    public String contentKey() {
        if (isEmpty()) return "";
        List<String> parts = new ArrayList<>();
        for (WorkingTreeInput f : fingerprints) parts.add(f.path() + "=" + f.fingerprint());
        return Sha256.hex(parts.toArray(String[]::new));
    }

    /**
     * What a materialized directory's key takes: the paths and where their links point (not their
     * content: a data edit keeps the directory and its build, and retrains through the result key).
     */
    public String linkKey() {
        if (isEmpty()) return "";
        List<String> parts = new ArrayList<>();
        for (WorkingTreeInput f : fingerprints) parts.add(f.path() + "->" + workTree.resolve(f.path()));
        return Sha256.hex(parts.toArray(String[]::new)).substring(0, 12);
    }

    /** Links every listed path into {@code revisionDir} (a directory being materialized, never the user's). */
    public void linkInto(Path revisionDir) throws IOException {
        Path root = revisionDir.toAbsolutePath().normalize();
        for (WorkingTreeInput f : fingerprints) {
            String rel = f.path().endsWith("/") ? f.path().substring(0, f.path().length() - 1) : f.path();
            Path at = SafePaths.resolve(root, rel);
            for (Path parent = at.getParent(); !parent.equals(root); parent = parent.getParent()) {
                if (Files.isSymbolicLink(parent) || Files.exists(parent, LinkOption.NOFOLLOW_LINKS) && !Files.isDirectory(parent)) {
                    throw new IOException("from_working_tree: " + rel + " lies under " + root.relativize(parent)
                            + ", which this revision has as a file or link");
                }
            }
            deleteInRevision(at);
            Files.createDirectories(at.getParent());
            Files.createSymbolicLink(at, workTree.resolve(rel));
        }
    }

    /** Null when every path still has its fingerprint; else one line naming what changed (a trainer wrote through a link). */
    public String changed() {
        if (isEmpty()) return null;
        List<String> moved = new ArrayList<>();
        for (WorkingTreeInput before : fingerprints) {
            WorkingTreeInput now;
            try {
                now = Files.exists(workTree.resolve(before.path())) ? InputFingerprint.of(workTree, before.path()) : null;
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            if (now == null) moved.add(before.path() + " is gone");
            else if (!now.fingerprint().equals(before.fingerprint())) {
                moved.add(before.path() + " " + before.fingerprint() + " -> " + now.fingerprint());
            }
        }
        return moved.isEmpty() ? null : "from_working_tree inputs changed during the run (" + String.join(", ", moved)
                + "): they are read-only inputs; whatever wrote into them (the trainer writing through its link, or an edit meanwhile)"
                + " makes the run unusable";
    }

    /** Removes the revision's own copy at {@code at}; a link is removed, never followed. */
    private static void deleteInRevision(Path at) throws IOException {
        if (!Files.exists(at, LinkOption.NOFOLLOW_LINKS)) return;
        try (Stream<Path> walk = Files.walk(at)) {
            for (Path p : walk.sorted(Comparator.reverseOrder()).toList()) Files.delete(p);
        }
    }
}
