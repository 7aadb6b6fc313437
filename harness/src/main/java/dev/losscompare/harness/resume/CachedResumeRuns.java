package dev.losscompare.harness.resume;

import dev.losscompare.core.series.RunSeries;
import dev.losscompare.core.series.UnreadableSeriesException;
import dev.losscompare.harness.adapter.RunFiles;
import dev.losscompare.harness.cache.ResultCache;
import dev.losscompare.harness.engine.CaseSpec;
import dev.losscompare.harness.engine.RunKeys;
import dev.losscompare.harness.run.TrainerArgs;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

/**
 * The two runs of a resume check kept in the result cache, so that comparing again does not
 * train them again: the continuous run's series (a complete run) and the resumed run's (steps
 * K+1..N), keyed from the key of the side's plain run and K ({@link ResultCache#resumeKey}). Only
 * the runs of a check that passed are kept, and only the series the trainer wrote itself (one read
 * from a log is rounded). The checkpoints are not kept: a check judged otherwise from the kept
 * series, or one whose checkpoints are needed (--resume-across), trains.
 */
final class CachedResumeRuns {
    static final String CONTINUOUS = "continuous", RESUMED = "resumed";

    /** The two series as restored. */
    record Runs(RunSeries continuous, RunSeries resumed) {}

    private final ResultCache results;
    private final String continuousKey;
    private final String resumedKey;
    /** The environment the side's runs see (their kernel set): a kept series is checked against its pins. */
    private final Map<String, String> runEnvironment;

    private CachedResumeRuns(ResultCache results, String runKey, int k, Map<String, String> runEnvironment) {
        this.results = results;
        this.runEnvironment = runEnvironment;
        this.continuousKey = ResultCache.resumeKey(runKey, k, CONTINUOUS);
        this.resumedKey = ResultCache.resumeKey(runKey, k, RESUMED);
    }

    /** The kept runs of {@code side}'s check at K, or null without a result cache (--no-cache). */
    static CachedResumeRuns of(CheckedSide side, CaseSpec c, int k, String seedKeyOrNull) {
        ResultCache results = side.session().results();
        if (results == null) return null;
        RunKeys keys = new RunKeys(side.session());
        TrainerArgs args = side.args(c);
        String runKey = keys.run(side.side(), args, seedKeyOrNull);
        return runKey == null ? null : new CachedResumeRuns(results, runKey, k, keys.environment(args));
    }

    /** Both runs' series and logs copied into the check's folder, where the runs would have written them; null unless both are kept. */
    Runs restore(CheckedSide side, Path dir, int steps) throws IOException {
        Files.createDirectories(dir);
        RunFiles continuous = RunFiles.of(dir, CONTINUOUS), resumed = RunFiles.of(dir, RESUMED);
        try {
            if (results.restoreRun(continuousKey, steps, continuous.series(), CheckpointRun.log(dir, CONTINUOUS), runEnvironment)
                    && results.restoreResumed(resumedKey, resumed.series(), CheckpointRun.log(dir, RESUMED))) {
                return new Runs(side.adapter().read(continuous, CheckpointRun.log(dir, CONTINUOUS)).series(),
                        side.adapter().read(resumed, CheckpointRun.log(dir, RESUMED)).series());
            }
        } catch (UnreadableSeriesException e) {
            // kept with a checksum, so not expected: the check trains
        }
        for (String run : new String[] {CONTINUOUS, RESUMED}) {
            Files.deleteIfExists(RunFiles.of(dir, run).series());
            Files.deleteIfExists(CheckpointRun.log(dir, run));
        }
        return null;
    }

    /** Keeps the runs of a check that passed, when the trainer wrote both series itself. */
    void store(Path dir) throws IOException {
        Path continuous = RunFiles.of(dir, CONTINUOUS).series(), resumed = RunFiles.of(dir, RESUMED).series();
        if (!Files.isRegularFile(continuous) || !Files.isRegularFile(resumed)) return;
        results.storeResumed(resumedKey, resumed, CheckpointRun.log(dir, RESUMED));
        results.storeRun(continuousKey, continuous, CheckpointRun.log(dir, CONTINUOUS));
    }
}
