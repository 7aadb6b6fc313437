package dev.losscompare.harness.git;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.eclipse.jgit.dircache.DirCache;
import org.eclipse.jgit.dircache.DirCacheBuilder;
import org.eclipse.jgit.dircache.DirCacheEntry;
import org.eclipse.jgit.dircache.DirCacheIterator;
import org.eclipse.jgit.lib.Constants;
import org.eclipse.jgit.lib.FileMode;
import org.eclipse.jgit.lib.ObjectId;
import org.eclipse.jgit.lib.ObjectInserter;
import org.eclipse.jgit.lib.ObjectReader;
import org.eclipse.jgit.lib.Repository;
import org.eclipse.jgit.submodule.SubmoduleWalk;
import org.eclipse.jgit.treewalk.FileTreeIterator;
import org.eclipse.jgit.treewalk.TreeWalk;
import org.eclipse.jgit.treewalk.WorkingTreeIterator;
import org.eclipse.jgit.treewalk.filter.PathFilterGroup;

/**
 * The working tree as {@code git add -A && git write-tree} would record it — tracked files with
 * their edits plus untracked files that are not ignored, cleaned by .gitattributes like git add —
 * as an in-memory index whose tree id names the content. Nothing is written to the repository or
 * its index (ids are computed with an id-only inserter; the index is only read), so a clean working
 * tree has exactly HEAD's tree id and shares HEAD's materialization, build and results.
 */
public final class WorkingTreeSnapshot {
    private final Repository repo;
    private final List<String> inputs;
    private final DirCache entries;
    private final ObjectId treeId;

    private WorkingTreeSnapshot(Repository repo, List<String> inputs, DirCache entries, ObjectId treeId) {
        this.repo = repo;
        this.inputs = inputs;
        this.entries = entries;
        this.treeId = treeId;
    }

    /** Scans the whole working tree. */
    public static WorkingTreeSnapshot scan(Repository repo) throws IOException {
        return scan(repo, List.of());
    }

    /** Scans only {@code inputs} (and the .gitattributes above them); everything when empty. */
    public static WorkingTreeSnapshot scan(Repository repo, List<String> inputs) throws IOException {
        List<String> paths = InputPaths.normalize(inputs);
        DirCache dc = DirCache.newInCore();
        DirCacheBuilder builder = dc.builder();
        walk(repo, paths, (path, mode, file, walk) -> {
            DirCacheEntry e = new DirCacheEntry(path);
            e.setFileMode(mode);
            e.setObjectId(mode == FileMode.GITLINK ? submoduleCommit(repo, path, walk) : file.getEntryObjectId());
            if (e.getObjectId() != null) builder.add(e);
        });
        builder.finish();
        ObjectId tree;
        try (ObjectInserter ids = new IdOnlyInserter()) {
            tree = dc.writeTree(ids);
        }
        return new WorkingTreeSnapshot(repo, paths, dc, tree);
    }

    /** The tree id of what was scanned (HEAD's tree id when the working tree is clean and fully scanned). */
    public ObjectId treeId() {
        return treeId;
    }

    DirCache entries() {
        return entries;
    }

    /**
     * Writes the scanned content into {@code into} as checking out its tree would (smudge filters,
     * eol). A file that changed since the scan is an error: the directory must match its key.
     */
    public void writeTo(Path into) throws IOException {
        Files.createDirectories(into);
        String gitmodules = readGitmodules();
        int[] written = {0};
        try (ObjectReader reader = repo.newObjectReader()) {
            walk(repo, inputs, (path, mode, file, walk) -> {
                DirCacheEntry expected = entries.getEntry(path);
                if (expected == null || expected.getFileMode() != mode) throw changed(path);
                Path target = SafePaths.resolve(into, path);
                ObjectId id = expected.getObjectId();
                written[0]++;
                if (mode == FileMode.GITLINK) {
                    Submodules.write(repo, path, id, gitmodules, target);
                    return;
                }
                if (!underInputs(path)) return; // a .gitattributes above the inputs: it only decides the conversion
                InputStreamSupplier content;
                if (reader.has(id)) {
                    content = () -> reader.open(id).openStream();
                } else {
                    byte[] cleaned;
                    try (InputStream in = file.openEntryStream()) {
                        cleaned = in.readAllBytes();
                    }
                    try (ObjectInserter ids = new IdOnlyInserter()) {
                        if (!ids.idFor(Constants.OBJ_BLOB, cleaned).equals(id)) throw changed(path);
                    }
                    content = () -> new ByteArrayInputStream(cleaned);
                }
                EntryWriter.write(repo, path, mode, CheckoutRules.metadata(repo, walk), content::get, target);
            });
        }
        if (written[0] != entries.getEntryCount()) throw changed("a file");
    }

    private boolean underInputs(String path) {
        if (inputs.isEmpty()) return true;
        for (String in : inputs) if (path.equals(in) || path.startsWith(in + "/")) return true;
        return false;
    }

    private interface InputStreamSupplier {
        InputStream get() throws IOException;
    }

    private interface Visitor {
        void file(String path, FileMode mode, WorkingTreeIterator file, TreeWalk walk) throws IOException;
    }

    /** Visits what `git add -A` would stage: files present in the working tree, tracked or not ignored. */
    private static void walk(Repository repo, List<String> inputs, Visitor visitor) throws IOException {
        DirCache index = DirCache.read(repo.getIndexFile(), repo.getFS()); // reads only; takes no lock
        try (TreeWalk walk = new TreeWalk(repo)) {
            walk.setOperationType(TreeWalk.OperationType.CHECKIN_OP);
            int indexTree = walk.addTree(new DirCacheIterator(index));
            FileTreeIterator files = new FileTreeIterator(repo);
            int fileTree = walk.addTree(files);
            files.setDirCacheIterator(walk, indexTree);
            if (!inputs.isEmpty()) walk.setFilter(PathFilterGroup.createFromStrings(withAttributes(inputs)));
            walk.setRecursive(false);
            while (walk.next()) {
                WorkingTreeIterator file = walk.getTree(fileTree, WorkingTreeIterator.class);
                boolean tracked = walk.getTree(indexTree, DirCacheIterator.class) != null;
                if (file == null) continue;                        // deleted in the working tree
                if (!tracked && file.isEntryIgnored()) continue;   // ignored and untracked (e.g. target/)
                if (walk.isSubtree()) {
                    walk.enterSubtree();
                    continue;
                }
                visitor.file(walk.getPathString(), file.getEntryFileMode(), file, walk);
            }
        }
    }

    /** The inputs plus every .gitattributes above them: those decide how the inputs are checked out. */
    private static List<String> withAttributes(List<String> inputs) {
        java.util.TreeSet<String> all = new java.util.TreeSet<>(inputs);
        for (String in : inputs) {
            for (String dir : InputPaths.ancestors(in)) all.add(dir.isEmpty() ? ".gitattributes" : dir + "/.gitattributes");
        }
        return List.copyOf(all);
    }

    /**
     * The commit a submodule's checkout is at, as `git add` records it. Uncommitted changes inside
     * it cannot be named by a commit, so they are an error rather than silently left out.
     */
    private static ObjectId submoduleCommit(Repository repo, String path, TreeWalk walk) throws IOException {
        try (Repository sub = SubmoduleWalk.getSubmoduleRepository(repo.getWorkTree(), path)) {
            if (sub == null) {
                // Not checked out here: the commit the index records is what `git add` keeps.
                DirCacheIterator indexed = walk.getTree(0, DirCacheIterator.class);
                return indexed == null ? null : indexed.getEntryObjectId();
            }
            ObjectId head = sub.resolve(Constants.HEAD + "^{commit}");
            ObjectId headTree = sub.resolve(Constants.HEAD + "^{tree}");
            if (head == null || !scan(sub).treeId().equals(headTree)) {
                throw new MaterializeException("submodule at " + path + " has uncommitted changes (or no commit);"
                        + " commit them inside the submodule, or compare committed revisions");
            }
            return head;
        }
    }

    private String readGitmodules() throws IOException {
        Path f = repo.getWorkTree().toPath().resolve(Constants.DOT_GIT_MODULES);
        return Files.isRegularFile(f) ? Files.readString(f) : null;
    }

    private static MaterializeException changed(String path) {
        return new MaterializeException("the working tree changed while it was being copied (" + path
                + "); run the comparison again");
    }
}
