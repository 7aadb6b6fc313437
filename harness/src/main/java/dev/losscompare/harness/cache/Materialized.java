package dev.losscompare.harness.cache;

import dev.losscompare.harness.git.ResolvedRevision;
import dev.losscompare.harness.git.WorkingTreeInputs;
import java.nio.file.Path;

/**
 * A revision written out under the cache: {@code key} names its content, {@code dir} holds its
 * files, {@code linked} the paths linked in from the user's working tree (their fingerprints are
 * part of every result key of this revision).
 */
public record Materialized(ResolvedRevision revision, String key, Path dir, boolean reused, WorkingTreeInputs linked) {
    public Materialized(ResolvedRevision revision, String key, Path dir, boolean reused) {
        this(revision, key, dir, reused, WorkingTreeInputs.NONE);
    }
}
