package dev.losscompare.harness.git;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import org.eclipse.jgit.dircache.DirCache;
import org.eclipse.jgit.dircache.DirCacheIterator;
import org.eclipse.jgit.lib.FileMode;
import org.eclipse.jgit.lib.Repository;
import org.eclipse.jgit.treewalk.FileTreeIterator;
import org.eclipse.jgit.treewalk.TreeWalk;
import org.eclipse.jgit.treewalk.WorkingTreeIterator;

/**
 * Copies the working tree as it is now — tracked files with their uncommitted edits plus untracked
 * files that are not ignored — and returns a hash of what was copied. Hashing the bytes that were
 * copied (not a second read) means the key always describes the copy, even if the user edits a
 * file meanwhile. The index is only read (DirCache.read takes no lock and writes nothing).
 */
public final class WorkingTreeCopier {
    private WorkingTreeCopier() {}

    /** Returns the content key (hex SHA-256 over paths, modes and bytes). */
    public static String copy(Repository repo, Path into) throws IOException {
        Files.createDirectories(into);
        MessageDigest digest = sha256();
        DirCache index = DirCache.read(repo.getIndexFile(), repo.getFS());
        try (TreeWalk walk = new TreeWalk(repo)) {
            int indexTree = walk.addTree(new DirCacheIterator(index));
            FileTreeIterator files = new FileTreeIterator(repo);
            int fileTree = walk.addTree(files);
            files.setDirCacheIterator(walk, indexTree);
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
                FileMode mode = file.getEntryFileMode();
                if (mode == FileMode.GITLINK) continue;
                String path = walk.getPathString();
                Path source = repo.getWorkTree().toPath().resolve(path);
                Path target = SafePaths.resolve(into, path);
                Files.createDirectories(target.getParent());
                digest.update((mode.toString() + ' ' + path + '\0').getBytes(StandardCharsets.UTF_8));
                if (mode == FileMode.SYMLINK) {
                    String link = Files.readSymbolicLink(source).toString();
                    Files.createSymbolicLink(target, Path.of(link));
                    digest.update(link.getBytes(StandardCharsets.UTF_8));
                } else {
                    copyHashing(source, target, digest);
                    if (mode == FileMode.EXECUTABLE_FILE) SafePaths.makeExecutable(target);
                }
                digest.update((byte) 0);
            }
        }
        return HexFormat.of().formatHex(digest.digest());
    }

    private static void copyHashing(Path source, Path target, MessageDigest digest) throws IOException {
        byte[] buf = new byte[1 << 16];
        long length = 0;
        try (InputStream in = Files.newInputStream(source); OutputStream out = Files.newOutputStream(target)) {
            int n;
            while ((n = in.read(buf)) > 0) {
                out.write(buf, 0, n);
                digest.update(buf, 0, n);
                length += n;
            }
        }
        digest.update(Long.toString(length).getBytes(StandardCharsets.US_ASCII));
    }

    private static MessageDigest sha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
