package dev.losscompare.harness.git;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.eclipse.jgit.lib.FileMode;
import org.eclipse.jgit.lib.ObjectId;
import org.eclipse.jgit.lib.ObjectReader;
import org.eclipse.jgit.lib.Repository;
import org.eclipse.jgit.treewalk.TreeWalk;
import org.eclipse.jgit.treewalk.filter.PathFilterGroup;

/**
 * Writes a commit's tree into a directory straight from the object database, as git checkout
 * would write it (.gitattributes eol and smudge filters, submodules from their commits), but
 * without a checkout: the user's HEAD, index and files are never involved.
 */
public final class TreeWriter {
    private TreeWriter() {}

    public static void write(Repository repo, String treeId, Path into) throws IOException {
        write(repo, treeId, into, List.of());
    }

    /** Writes only the entries under {@code inputs} (repository-relative paths); all of them when empty. */
    public static void write(Repository repo, String treeId, Path into, List<String> inputs) throws IOException {
        Files.createDirectories(into);
        ObjectId tree = ObjectId.fromString(treeId);
        try (ObjectReader reader = repo.newObjectReader(); TreeWalk walk = new TreeWalk(repo, reader)) {
            walk.addTree(tree);
            walk.setRecursive(true);
            walk.setOperationType(TreeWalk.OperationType.CHECKOUT_OP);
            if (!inputs.isEmpty()) walk.setFilter(PathFilterGroup.createFromStrings(InputPaths.normalize(inputs)));
            String gitmodules = null;
            boolean gitmodulesRead = false;
            while (walk.next()) {
                FileMode mode = walk.getFileMode(0);
                String path = walk.getPathString();
                Path target = SafePaths.resolve(into, path);
                ObjectId id = walk.getObjectId(0);
                if (mode == FileMode.GITLINK) {
                    if (!gitmodulesRead) {
                        gitmodules = readBlob(repo, reader, tree, ".gitmodules");
                        gitmodulesRead = true;
                    }
                    Submodules.write(repo, path, id, gitmodules, target);
                    continue;
                }
                EntryWriter.write(repo, path, mode, CheckoutRules.metadata(repo, walk), () -> reader.open(id).openStream(), target);
            }
        }
    }

    private static String readBlob(Repository repo, ObjectReader reader, ObjectId tree, String path) throws IOException {
        try (TreeWalk w = TreeWalk.forPath(repo, path, tree)) {
            return w == null ? null : new String(reader.open(w.getObjectId(0)).getBytes(), StandardCharsets.UTF_8);
        }
    }
}
