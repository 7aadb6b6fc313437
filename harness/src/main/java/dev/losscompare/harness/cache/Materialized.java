package dev.losscompare.harness.cache;

import dev.losscompare.harness.git.ResolvedRevision;
import java.nio.file.Path;

/** A revision written out under the cache: {@code key} names its content, {@code dir} holds its files. */
public record Materialized(ResolvedRevision revision, String key, Path dir, boolean reused) {}
