package dev.losscompare.harness.git;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.eclipse.jgit.dircache.DirCacheCheckout;
import org.eclipse.jgit.dircache.DirCacheCheckout.CheckoutMetadata;
import org.eclipse.jgit.dircache.DirCacheCheckout.StreamSupplier;
import org.eclipse.jgit.lib.FileMode;
import org.eclipse.jgit.lib.Repository;
import org.eclipse.jgit.treewalk.WorkingTreeOptions;

/** Writes one blob as a file the way git checkout would: eol conversion, smudge filter, mode. */
final class EntryWriter {
    /** The first line of every Git LFS pointer file (https://github.com/git-lfs/git-lfs/blob/main/docs/spec.md). */
    private static final byte[] LFS_POINTER = "version https://git-lfs.github.com/spec/v1\n".getBytes(StandardCharsets.US_ASCII);

    private EntryWriter() {}

    static void write(Repository repo, String path, FileMode mode, CheckoutMetadata meta, StreamSupplier content,
                      Path target) throws IOException {
        Files.createDirectories(target.getParent());
        if (mode == FileMode.SYMLINK) {
            byte[] link;
            try (InputStream in = content.load()) {
                link = in.readAllBytes();
            }
            Files.createSymbolicLink(target, Path.of(new String(link, StandardCharsets.UTF_8)));
            return;
        }
        WorkingTreeOptions options = repo.getConfig().get(WorkingTreeOptions.KEY);
        try (OutputStream out = Files.newOutputStream(target)) {
            DirCacheCheckout.getContent(repo, path, meta, content, options, out);
        } catch (MaterializeException e) {
            throw e;
        } catch (IOException e) {
            throw new MaterializeException(path + ": checkout filter"
                    + (meta.smudgeFilterCommand == null ? "" : " '" + meta.smudgeFilterCommand + "'") + " failed: " + e.getMessage());
        }
        if (mode == FileMode.EXECUTABLE_FILE) SafePaths.makeExecutable(target);
        if (isLfsPointer(target)) {
            throw new MaterializeException(path + " is a Git LFS pointer, not the file's content (git-lfs is not"
                    + " installed or not configured here): install git-lfs, run 'git lfs install' and 'git lfs pull',"
                    + " then compare again");
        }
    }

    private static boolean isLfsPointer(Path file) throws IOException {
        if (Files.size(file) > 1024) return false; // pointers are ~130 bytes; the spec caps them at 1024
        byte[] head = Files.readAllBytes(file);
        if (head.length < LFS_POINTER.length) return false;
        for (int i = 0; i < LFS_POINTER.length; i++) if (head[i] != LFS_POINTER[i]) return false;
        return true;
    }
}
