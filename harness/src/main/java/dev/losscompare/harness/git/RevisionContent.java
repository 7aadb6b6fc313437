package dev.losscompare.harness.git;

import dev.losscompare.harness.io.Sha256;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;



import java.util.List;
import org.eclipse.jgit.dircache.DirCache;
import org.eclipse.jgit.dircache.DirCacheBuilder;
import org.eclipse.jgit.dircache.DirCacheEntry;
import org.eclipse.jgit.dircache.DirCacheTree;
import org.eclipse.jgit.lib.ObjectId;
import org.eclipse.jgit.lib.ObjectInserter;
import org.eclipse.jgit.lib.ObjectReader;
import org.eclipse.jgit.lib.Repository;

/**
 * What a resolved revision materializes to, and the key that names it.
 * <ul>
 *   <li>{@code tree-<tree id>}: the whole tree; a clean working tree has HEAD's tree id.</li>
 *   <li>{@code inputs-<sha256/40>}: only the declared input paths, keyed by their git ids (tree
 *       ids of directories, blob ids of files, and the .gitattributes above them), so an edit
 *       elsewhere (a README) keeps the key.</li>
 * </ul>
 * Either gets a {@code -<hash>} suffix when the git config sets eol or filter options, which change
 * what checkout writes for the same tree.
 */
public final class RevisionContent {
    private final Repository repo;
    private final ResolvedRevision revision;
    private final List<String> inputs;
    private final WorkingTreeSnapshot snapshot;
    private final String key;

    private RevisionContent(Repository repo, ResolvedRevision revision, List<String> inputs,
                            WorkingTreeSnapshot snapshot, String key) {
        this.repo = repo;
        this.revision = revision;
        this.inputs = inputs;
        this.snapshot = snapshot;
        this.key = key;
    }

    /** Resolves the content of {@code rev}, limited to {@code inputs} unless that is empty. */
    public static RevisionContent of(Repository repo, ResolvedRevision rev, List<String> inputs) throws IOException {
        List<String> paths = InputPaths.normalize(inputs);
        String conversion = CheckoutRules.fingerprint(repo);
        String suffix = conversion.isEmpty() ? "" : "-" + conversion;
        if (rev.workingTree()) {
            WorkingTreeSnapshot s = WorkingTreeSnapshot.scan(repo, paths);
            String key = paths.isEmpty() ? "tree-" + s.treeId().name() : "inputs-" + inputsHash(s.entries(), paths);
            return new RevisionContent(repo, rev, paths, s, key + suffix);
        }
        if (paths.isEmpty()) return new RevisionContent(repo, rev, paths, null, "tree-" + rev.treeId() + suffix);
        DirCache dc = DirCache.newInCore();
        try (ObjectReader reader = repo.newObjectReader()) {
            DirCacheBuilder b = dc.builder();
            b.addTree(new byte[0], 0, reader, ObjectId.fromString(rev.treeId()));
            b.finish();
        }
        return new RevisionContent(repo, rev, paths, null, "inputs-" + inputsHash(dc, paths) + suffix);
    }

    public String key() {
        return key;
    }

    public ResolvedRevision revision() {
        return revision;
    }

    /** Writes the content into {@code dir} (which must not hold anything else). */
    public void writeTo(Path dir) throws IOException {
        if (snapshot != null) snapshot.writeTo(dir);
        else TreeWriter.write(repo, revision.treeId(), dir, inputs);
    }

    /** A hash over each input's git id (or its absence) and the .gitattributes above it. */
    static String inputsHash(DirCache dc, List<String> inputs) throws IOException {
        try (ObjectInserter ids = new IdOnlyInserter()) {
            dc.writeTree(ids);
        }
        DirCacheTree root = dc.getCacheTree(false);
        StringBuilder s = new StringBuilder();
        for (String in : inputs) {
            s.append(in).append(' ').append(describe(dc, root, in)).append('\n');
            for (String dir : InputPaths.ancestors(in)) {
                String attrs = dir.isEmpty() ? ".gitattributes" : dir + "/.gitattributes";
                s.append(attrs).append(' ').append(describe(dc, root, attrs)).append('\n');
            }
        }
        return Sha256.hex(s.toString().getBytes(StandardCharsets.UTF_8)).substring(0, 40);
    }

    private static String describe(DirCache dc, DirCacheTree root, String path) {
        DirCacheEntry e = dc.getEntry(path);
        if (e != null) return e.getFileMode().toString() + ' ' + e.getObjectId().name();
        DirCacheTree t = root;
        for (String part : path.split("/")) {
            DirCacheTree next = null;
            for (int i = 0; t != null && i < t.getChildCount(); i++) {
                String name = t.getChild(i).getNameString();
                if (name.endsWith("/")) name = name.substring(0, name.length() - 1);
                if (name.equals(part)) next = t.getChild(i);
            }
            t = next;
            if (t == null) return "missing";
        }
        return "tree " + t.getObjectId().name();
    }
}
