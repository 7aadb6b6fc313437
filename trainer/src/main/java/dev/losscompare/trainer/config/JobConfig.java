package dev.losscompare.trainer.config;

/**
 * The whole training job, one record per TOML section, mirroring torchtitan's job config.
 * Keys are snake_case in TOML ({@code training.seq_len}) and camelCase here.
 */
public record JobConfig(
        Job job,
        Model model,
        Optimizer optimizer,
        LrScheduler lrScheduler,
        Training training,
        Debug debug,
        Metrics metrics,
        Checkpoint checkpoint,
        Parallelism parallelism,
        Comm comm) {

    public record Job(String description) {}

    public record Model(String name, String flavor) {}

    public record Optimizer(String name, double lr, double beta1, double beta2, double eps, double weightDecay) {}

    public record LrScheduler(int warmupSteps, double decayRatio, String decayType, double minLrFactor) {}

    public record Training(
            int steps,
            int seqLen,
            int localBatchSize,
            double maxNorm,
            int numThreads,
            String device,
            String dataset,
            long datasetSeed,
            String mixedPrecisionParam) {}

    /** traceSteps: the steps --debug.trace_steps names ("" = tracing off); see trace.TraceSteps. */
    public record Debug(long seed, boolean deterministic, String dumpBatches, String traceSteps, String tracePath) {}

    public record Metrics(String path, int logFreq, boolean enableTensorboard, String saveTbFolder) {}

    /**
     * Seed checkpoints (createSeedCheckpoint, path, initialLoadPath, ownInitPath) and training checkpoints (the rest; see
     * checkpoint.Checkpointer). ownInitPath: where a run that loads initialLoadPath first writes its own initialization,
     * the file createSeedCheckpoint would write (the harness's check that a seed checkpoint hides no change of init).
     */
    public record Checkpoint(boolean createSeedCheckpoint, String path, String initialLoadPath, String ownInitPath, boolean enable,
                             String folder, int interval, int loadStep, int keepLatestK, boolean loadOnly) {}

    /** Data parallelism only: -1 means the world size (every rank a replica). */
    public record Parallelism(int dataParallelReplicateDegree) {}

    /** Rendezvous and collective timeouts, torchtitan's [comm] section. */
    public record Comm(int initTimeoutSeconds, int trainTimeoutSeconds) {}
}
