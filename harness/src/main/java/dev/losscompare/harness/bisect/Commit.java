package dev.losscompare.harness.bisect;

import dev.losscompare.harness.git.ResolvedRevision;

/** A commit on the bisected path: what a probe materializes and what the result names. */
public record Commit(String id, String treeId, String subject, String author, String date) {
    public String shortId() {
        return id.substring(0, Math.min(10, id.length()));
    }

    /** As the pipeline takes it; the short sha is the spec that progress and logs show. */
    public ResolvedRevision toRevision() {
        return new ResolvedRevision(shortId(), id, treeId, subject, date, false);
    }
}
