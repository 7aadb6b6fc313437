package dev.losscompare.harness;

import dev.losscompare.harness.suite.SuiteCase;
import dev.losscompare.domain.ComparisonMode;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

/**
 * A validated comparison request. Option lists are already split into words.
 * {@code baselineSpec} is null in import mode (the imported file is the baseline),
 * {@code testSpec} is null in export mode (only the baseline runs). {@code cases} holds the model
 * cases to run: the suite's (with {@code suiteFile}), or one case made of {@code config}.
 */
public record CompareSettings(
        String baselineSpec,
        String testSpec,
        Path repoDir,
        Path cwd,
        Path cacheDir,
        int steps,
        String config,
        long seed,
        int threads,
        List<String> trainOptions,
        List<String> baselineOptions,
        List<String> testOptions,
        boolean seedCheckpoint,
        ComparisonMode mode,
        List<String> metrics,
        boolean metricsGiven,
        Path outputFolder,
        Path exportResult,
        Path importResult,
        int jobs,
        Duration timeout,
        Path suiteFile,
        List<SuiteCase> cases,
        boolean useResultCache) {

    public boolean exportMode() {
        return exportResult != null;
    }

    public boolean importMode() {
        return importResult != null;
    }
}
