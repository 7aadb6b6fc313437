package dev.losscompare.harness.git;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.eclipse.jgit.lib.FileMode;
import org.eclipse.jgit.lib.ObjectId;
import org.eclipse.jgit.lib.ObjectReader;
import org.eclipse.jgit.lib.Repository;
import org.eclipse.jgit.treewalk.TreeWalk;

/**
 * Writes a commit's tree into a directory straight from the object database: no checkout, so the
 * user's HEAD, index and files are never involved.
 */
public final class TreeWriter {
    private TreeWriter() {}

    public static void write(Repository repo, String treeId, Path into) throws IOException {
        Files.createDirectories(into);
        try (ObjectReader reader = repo.newObjectReader(); TreeWalk walk = new TreeWalk(reader)) {
            walk.addTree(ObjectId.fromString(treeId));
            walk.setRecursive(true);
            while (walk.next()) {
                FileMode mode = walk.getFileMode(0);
                Path target = SafePaths.resolve(into, walk.getPathString());
                if (mode == FileMode.GITLINK) {
                    Files.createDirectories(target); // a submodule: its commit is not in this repository
                    continue;
                }
                Files.createDirectories(target.getParent());
                byte[] content = reader.open(walk.getObjectId(0)).getBytes();
                if (mode == FileMode.SYMLINK) {
                    Files.createSymbolicLink(target, Path.of(new String(content, StandardCharsets.UTF_8)));
                    continue;
                }
                try (OutputStream out = Files.newOutputStream(target)) {
                    out.write(content);
                }
                if (mode == FileMode.EXECUTABLE_FILE) SafePaths.makeExecutable(target);
            }
        }
    }
}
