package dev.losscompare.harness.git;

import dev.losscompare.core.result.Revision;

/**
 * A revision the user named, resolved. {@code treeId} is the commit's tree; for the working tree
 * ({@code .}) it is null and the content key is computed while copying the files.
 */
public record ResolvedRevision(String spec, String commitId, String treeId, String subject, String authorDate,
                               boolean workingTree) {
    public String shortId() {
        return commitId == null ? "(no commit)" : commitId.substring(0, Math.min(10, commitId.length()));
    }

    /** How progress and errors name this side: "HEAD~1 (0123abcd45)" or ". (working tree)". */
    public String label() {
        return workingTree ? spec + " (working tree)" : spec + " (" + shortId() + ")";
    }

    public Revision toModel() {
        return new Revision(spec, commitId, subject, authorDate, workingTree);
    }
}
