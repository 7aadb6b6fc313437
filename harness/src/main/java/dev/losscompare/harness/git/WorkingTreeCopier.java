package dev.losscompare.harness.git;

import java.io.IOException;
import java.nio.file.Path;
import org.eclipse.jgit.lib.Repository;

/**
 * Copies the working tree as it is now (tracked files with their edits plus untracked files that
 * are not ignored), as checking out its tree would write it. Kept for callers of the old API;
 * {@link RevisionContent} keys a working tree without copying it first.
 */
public final class WorkingTreeCopier {
    private WorkingTreeCopier() {}

    /** Returns the content key: the working tree's git tree id (HEAD's when it is clean). */
    public static String copy(Repository repo, Path into) throws IOException {
        WorkingTreeSnapshot s = WorkingTreeSnapshot.scan(repo);
        s.writeTo(into);
        return s.treeId().name();
    }
}
