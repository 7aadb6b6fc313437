package dev.losscompare.harness.api;

import java.nio.file.Path;

/** What calibrate did: the output folder and its exit code (0 every envelope written / no false alarm, 1 a false alarm, 2 undecided). */
public record CalibrationResult(Path outputFolder, int exitCode) {}
