package dev.losscompare.harness.adapter;

import java.nio.file.Path;

/**
 * A run that writes training checkpoints into {@code folder} every {@code interval} steps and,
 * with {@code resumeStep}, first resumes from the one of that step (the resume check).
 */
public record Checkpoints(Path folder, int interval, Integer resumeStep) {}
