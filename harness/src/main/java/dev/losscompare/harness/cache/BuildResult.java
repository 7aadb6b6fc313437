package dev.losscompare.harness.cache;

import java.nio.file.Path;

/** The outcome of building one materialized revision; {@code reused} when an earlier build was kept. */
public record BuildResult(boolean ok, boolean reused, int exitCode, String reason, Path log) {}
