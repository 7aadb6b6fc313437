package dev.losscompare.trainer.config;

import dev.losscompare.trainer.model.ModelRegistry;
import dev.losscompare.trainer.trace.TraceSteps;
import java.util.Set;

/** Range checks that the type system cannot express; each failure names the key and what is allowed. */
final class ConfigValidator {
    private static final Set<String> DEVICES = Set.of("auto", "cpu", "cuda");

    private ConfigValidator() {}

    static void validate(JobConfig c) {
        ModelRegistry.requireKnown(c.model().name(), c.model().flavor());
        positive("training.steps", c.training().steps());
        positive("training.seq_len", c.training().seqLen());
        positive("training.local_batch_size", c.training().localBatchSize());
        positive("training.num_threads", c.training().numThreads());
        positive("metrics.log_freq", c.metrics().logFreq());
        if (!(c.training().maxNorm() > 0)) fail("training.max_norm", c.training().maxNorm(), "a number > 0");
        if (!DEVICES.contains(c.training().device())) fail("training.device", c.training().device(), "one of auto, cpu, cuda");
        if (!Set.of("float32", "bfloat16").contains(c.training().mixedPrecisionParam())) {
            fail("training.mixed_precision_param", c.training().mixedPrecisionParam(), "one of float32, bfloat16");
        }
        if (!c.training().dataset().equals("synthetic")) fail("training.dataset", c.training().dataset(), "synthetic");
        if (!c.optimizer().name().equals("AdamW")) fail("optimizer.name", c.optimizer().name(), "AdamW");
        if (!(c.optimizer().lr() >= 0)) fail("optimizer.lr", c.optimizer().lr(), "a number >= 0");
        if (!(c.optimizer().eps() > 0)) fail("optimizer.eps", c.optimizer().eps(), "a number > 0");
        unitInterval("optimizer.beta1", c.optimizer().beta1());
        unitInterval("optimizer.beta2", c.optimizer().beta2());
        if (!(c.optimizer().weightDecay() >= 0)) fail("optimizer.weight_decay", c.optimizer().weightDecay(), "a number >= 0");
        if (c.lrScheduler().warmupSteps() < 0) fail("lr_scheduler.warmup_steps", c.lrScheduler().warmupSteps(), "an integer >= 0");
        if (!(c.lrScheduler().decayRatio() >= 0 && c.lrScheduler().decayRatio() <= 1)) {
            fail("lr_scheduler.decay_ratio", c.lrScheduler().decayRatio(), "a number in [0, 1]");
        }
        if (!Set.of("linear", "cosine", "sqrt").contains(c.lrScheduler().decayType())) {
            fail("lr_scheduler.decay_type", c.lrScheduler().decayType(), "one of linear, cosine, sqrt");
        }
        if (!(c.lrScheduler().minLrFactor() >= 0 && c.lrScheduler().minLrFactor() <= 1)) {
            fail("lr_scheduler.min_lr_factor", c.lrScheduler().minLrFactor(), "a number in [0, 1]");
        }
        if (c.metrics().enableTensorboard() && c.metrics().saveTbFolder().isBlank()) {
            throw new ConfigException("metrics.enable_tensorboard needs metrics.save_tb_folder (--metrics.save_tb_folder=DIR)");
        }
        int dp = c.parallelism().dataParallelReplicateDegree();
        if (dp != -1 && dp < 1) fail("parallelism.data_parallel_replicate_degree", dp, "-1 (the world size) or an integer >= 1");
        positive("comm.init_timeout_seconds", c.comm().initTimeoutSeconds());
        positive("comm.train_timeout_seconds", c.comm().trainTimeoutSeconds());
        validateTrace(c);
        if (c.checkpoint().createSeedCheckpoint() && c.checkpoint().path().isEmpty()) {
            throw new ConfigException("checkpoint.create_seed_checkpoint needs checkpoint.path (--checkpoint.path=FILE)");
        }
        if (!c.checkpoint().ownInitPath().isEmpty() && (c.checkpoint().initialLoadPath().isEmpty() || c.checkpoint().createSeedCheckpoint())) {
            throw new ConfigException("checkpoint.own_init_path needs checkpoint.initial_load_path (--checkpoint.initial_load_path=FILE),"
                    + " and is not for checkpoint.create_seed_checkpoint (that run writes its initialization to checkpoint.path)");
        }
        validateCheckpoint(c.checkpoint());
    }

    private static void validateCheckpoint(JobConfig.Checkpoint k) {
        positive("checkpoint.interval", k.interval());
        // torchtitan/components/checkpoint.py:276-281 at 6a3a9da9: one kept checkpoint could be the one being written.
        if (k.keepLatestK() < 0 || k.keepLatestK() == 1) {
            fail("checkpoint.keep_latest_k", k.keepLatestK(), "0 (keep all) or an integer >= 2");
        }
        if (k.loadStep() == 0 || k.loadStep() < -1) {
            fail("checkpoint.load_step", k.loadStep(), "-1 (the latest) or a step >= 1 (a seed checkpoint loads with"
                    + " --checkpoint.initial_load_path=FILE)");
        }
        if (!k.enable() && (k.loadStep() != -1 || k.loadOnly())) {
            throw new ConfigException("checkpoint." + (k.loadOnly() ? "load_only" : "load_step") + " needs checkpoint.enable"
                    + " (--checkpoint.enable --checkpoint.folder=DIR)");
        }
        if (k.enable() && k.folder().isBlank()) {
            throw new ConfigException("checkpoint.enable needs checkpoint.folder (--checkpoint.folder=DIR)");
        }
    }

    private static void validateTrace(JobConfig c) {
        TraceSteps steps;
        try {
            steps = TraceSteps.parse(c.debug().traceSteps());
        } catch (IllegalArgumentException e) {
            throw new ConfigException("bad value '" + c.debug().traceSteps() + "' for debug.trace_steps: " + e.getMessage()
                    + " (expected steps like 1, 1-3 or 2,5; empty = off)");
        }
        if (steps.isEmpty()) return;
        if (steps.last() > c.training().steps()) {
            throw new ConfigException("debug.trace_steps names step " + steps.last() + " but training.steps is "
                    + c.training().steps());
        }
        if (c.debug().tracePath().isBlank()) {
            throw new ConfigException("debug.trace_steps needs debug.trace_path (--debug.trace_path=FILE)");
        }
    }

    private static void positive(String key, long value) {
        if (value <= 0) fail(key, value, "an integer > 0");
    }

    private static void unitInterval(String key, double value) {
        if (!(value >= 0 && value < 1)) fail(key, value, "a number in [0, 1)");
    }

    private static void fail(String key, Object value, String expected) {
        throw new ConfigException("bad value '" + value + "' for " + key + ": expected " + expected);
    }
}
