package dev.losscompare.core.result;

/**
 * One side of a comparison as the user named it ({@code spec}: a branch, sha, {@code HEAD~1}, or
 * {@code .} for the working tree) and what it resolved to. For a golden or imported series,
 * {@code spec} names the file and {@code commitId} is the commit recorded in it, if any.
 */
public record Revision(String spec, String commitId, String subject, String authorDate, boolean workingTree) {}
