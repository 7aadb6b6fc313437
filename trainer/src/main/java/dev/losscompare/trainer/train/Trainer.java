package dev.losscompare.trainer.train;

import dev.losscompare.trainer.checkpoint.Checkpointer;
import dev.losscompare.trainer.checkpoint.RngStates;
import dev.losscompare.trainer.checkpoint.SafeTensors;
import dev.losscompare.trainer.checkpoint.TrainingState;
import dev.losscompare.trainer.config.JobConfig;
import dev.losscompare.trainer.data.Batch;
import dev.losscompare.trainer.data.BatchDump;
import dev.losscompare.trainer.data.ByteTokenizer;
import dev.losscompare.trainer.data.PackedBatches;
import dev.losscompare.trainer.data.SyntheticCorpus;
import dev.losscompare.trainer.distributed.DataParallel;
import dev.losscompare.trainer.distributed.RankBatches;
import dev.losscompare.trainer.model.AttentionMasks;
import dev.losscompare.trainer.model.Init;
import dev.losscompare.trainer.model.Model;
import dev.losscompare.trainer.model.ModelRegistry;
import dev.losscompare.trainer.model.Ops;
import dev.losscompare.trainer.trace.StepTrace;
import dev.losscompare.trainer.trace.Tracer;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.function.IntFunction;
import org.bytedeco.javacpp.PointerScope;
import org.bytedeco.pytorch.Device;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.TensorOptions;
import org.bytedeco.pytorch.TensorVector;
import org.bytedeco.pytorch.global.torch;

/**
 * The training loop. The trainer owns the loop and asks the model for its attention masks each
 * step (torchtitan's layout). Every step's tensors live in a PointerScope closed at the end of
 * the step, so native memory stays flat however long the run.
 */
public final class Trainer {
    private final JobConfig config;
    private final PrintStream log;
    private IntFunction<StepTrace> stepHooks; // null: the tracer's (OFF unless debug.trace_steps)

    public Trainer(JobConfig config, PrintStream log) {
        this.config = config;
        this.log = log;
    }

    /** Replaces the tracer's step hooks with {@code hooks} (the benchmark's timer); they must only read. */
    public Trainer withStepHooks(IntFunction<StepTrace> hooks) {
        this.stepHooks = hooks;
        return this;
    }

    /** Builds the model (seeded), then either writes a seed checkpoint or trains. */
    public void run() throws IOException {
        JobConfig.Training t = config.training();
        Runtime.pinThreads(t.numThreads());
        Device device = DataParallel.device(Runtime.selectDevice(t.device()));
        Runtime.seedAndDeterminism(config.debug().seed(), config.debug().deterministic(), device);
        DataParallel dp = DataParallel.join(config, device); // one rank: no rendezvous, no collectives
        JobConfig.Checkpoint ck = config.checkpoint();
        Checkpointer checkpointer = new Checkpointer(config, dp.rank(), dp.degree(), log);
        // Checked before anything is loaded or written: a checkpoint that does not fit is exit 2.
        Optional<Checkpointer.Found> resume = ck.createSeedCheckpoint() ? Optional.empty() : checkpointer.find();
        boolean initializationKept = ck.createSeedCheckpoint() || !ck.ownInitPath().isEmpty()
                || ck.initialLoadPath().isEmpty() && resume.isEmpty();
        Model model;
        // A load overwrites every parameter next: only draw the initialization (null: initialize fully).
        try (Init.DrawsOnly ignored = initializationKept ? null : Init.drawsOnly()) {
            model = ModelRegistry.create(config.model().name(), config.model().flavor(), ByteTokenizer.VOCAB_SIZE, t.seqLen(), device);
        }

        if (ck.createSeedCheckpoint()) {
            Path file = Path.of(ck.path());
            writeInitialization(model, device, file);
            log.println("seed checkpoint written: " + file + " (" + model.parameters().count() + " parameters)");
            return;
        }
        // Before anything else draws or loads: the same bytes create_seed_checkpoint writes (SeedCheckpointTest).
        if (!ck.ownInitPath().isEmpty() && dp.writesOutputs()) {
            writeInitialization(model, device, Path.of(ck.ownInitPath()));
            log.println("own initialization written: " + ck.ownInitPath());
        }
        if (!ck.initialLoadPath().isEmpty()) {
            if (resume.isEmpty()) {
                SafeTensors.load(model.parameters(), RngStates.of(device), Path.of(ck.initialLoadPath()));
                log.println("loaded initial weights: " + ck.initialLoadPath());
            } else {
                // torchtitan/components/checkpoint.py:588-593 at 6a3a9da9: the run's own checkpoints win.
                log.println("checkpoint.initial_load_path not loaded: resuming from " + resume.get().dir());
            }
        }
        train(model, device, dp, checkpointer, resume);
    }

    /** The model's weights and RNG states as they are now: a seed checkpoint. */
    private void writeInitialization(Model model, Device device, Path file) throws IOException {
        try (PointerScope ignored = new PointerScope()) {
            SafeTensors.save(model.parameters(), RngStates.of(device), file, Map.of(
                    "model", config.model().name(), "flavor", config.model().flavor(),
                    "seed", Long.toString(config.debug().seed())));
        }
    }

    private void train(Model model, Device device, DataParallel dp, Checkpointer checkpointer,
                       Optional<Checkpointer.Found> resume) throws IOException {
        JobConfig.Training t = config.training();
        AdamW optimizer = new AdamW(model.parameters(), config.optimizer());
        LrSchedule schedule = LrSchedule.of(config.lrScheduler(), t.steps());
        // Every rank packs the global batch and trains on its rows of it.
        PackedBatches packed = new PackedBatches(new SyntheticCorpus(t.datasetSeed()), new ByteTokenizer(),
                t.localBatchSize() * dp.degree(), t.seqLen());
        RankBatches data = new RankBatches(packed, dp.rank(), dp.degree());
        TrainingState state = new TrainingState(model.parameters(), optimizer, packed, RngStates.of(device));
        MemoryGauge memory = MemoryGauge.of(device);
        if (resume.isPresent()) checkpointer.restore(resume.get(), state);
        int firstStep = resume.map(Checkpointer.Found::step).orElse(0) + 1;
        TensorVector paramVector = model.parameters().asVector();
        dp.broadcastFromRankZero(paramVector);
        // The exact token ids of each step for an independent reference; under data parallelism rank 0
        // writes the global batch (what a one-rank run with the global batch size would see).
        BatchDump dump = config.debug().dumpBatches().isEmpty() || !dp.writesOutputs() ? null
                : new BatchDump(Path.of(config.debug().dumpBatches()));
        Map<String, Object> meta = meta(model, device, dp);
        if (firstStep > 1) meta.put("resumed_from_step", firstStep - 1);
        log.println("model " + meta.get("model") + " " + meta.get("flavor") + ": " + meta.get("params")
                + " parameters, device " + meta.get("device") + ", threads " + t.numThreads()
                + ", torch " + meta.get("torch_version") + ", seq_len " + t.seqLen() + ", batch " + t.localBatchSize()
                + (dp.degree() > 1 ? " per rank, " + dp.degree() + " ranks (data parallel), global batch "
                        + meta.get("global_batch_size") : "")
                + ", precision " + t.mixedPrecisionParam());

        try (MetricsOutputs metrics = MetricsOutputs.open(config.metrics(), dp.writesOutputs());
             Tracer tracer = Tracer.start(config, model.parameters().byName(), dp.degree() > 1 ? dp.rank() : null)) {
            metrics.writeMeta(meta);
            for (int step = firstStep; step <= t.steps(); step++) {
                long start = System.nanoTime();
                long cpuStart = Runtime.processCpuNanos();
                memory.beginStep();
                dp.beginStep(step);
                RankBatches.Step rankStep = data.next(step);
                Batch batch = rankStep.local();
                if (dump != null) dump.write(step, rankStep.global());
                double lr = config.optimizer().lr() * schedule.factor(step - 1);
                float loss, gradNorm;
                try (PointerScope ignored = new PointerScope(); StepTrace trace = stepHooks != null ? stepHooks.apply(step) : tracer.step(step)) {
                    Tensor inputs = toDevice(batch.inputs(), batch, device);
                    Tensor labels = toDevice(batch.labels(), batch, device);
                    AttentionMasks masks = model.attentionMasks(inputs, ByteTokenizer.EOS);
                    trace.inputs(inputs, labels, masks);
                    Tensor lossTensor;
                    try (MixedPrecision ignored2 = MixedPrecision.enter(t.mixedPrecisionParam(), device)) {
                        Tensor logits = model.forward(inputs, masks);
                        // torchtitan's loss upcasts the logits (components/loss.py:21-23).
                        lossTensor = torch.cross_entropy(logits.view(-1, logits.size(2)).to(torch.ScalarType.Float),
                                labels.view(-1));
                    }
                    trace.loss(lossTensor);
                    lossTensor.backward();
                    trace.gradients();  // this rank's own gradients, before the all-reduce
                    dp.averageGradients(paramVector);
                    // Total L2 norm before clipping, as an fp32 value widened to double.
                    gradNorm = (float) torch.clip_grad_norm_(paramVector, t.maxNorm(), 2.0, false);
                    trace.gradNorm();
                    loss = dp.meanOverRanks(lossTensor).item_float();
                    boolean finite = Float.isFinite(loss) && Float.isFinite(gradNorm);
                    if (finite) {
                        optimizer.step(lr);
                        dp.sumOverRanks(model.loadBalanceCounts());
                        model.afterOptimizerStep();
                    }
                    trace.optimizerStep(lr, gradNorm, finite);
                    optimizer.zeroGrad();
                }
                double seconds = (System.nanoTime() - start) / 1e9;
                long tokens = (long) rankStep.global().batchSize() * t.seqLen(); // all ranks together
                StepMetrics m = new StepMetrics(step, loss, gradNorm, lr, tokens, tokens / seconds,
                        memory.bytes(), seconds * 1000, cpuStart < 0 ? Double.NaN : (Runtime.processCpuNanos() - cpuStart) / 1e6,
                        rankStep.global().fingerprint());
                metrics.writeStep(m);
                if (step % config.metrics().logFreq() == 0 || step == t.steps() || !m.finite()) log.println(StepLog.format(m));
                if (!m.finite()) {
                    throw new TrainingDivergedException("loss " + loss + ", grad_norm " + gradNorm + " at step " + step
                            + " (not finite); the run stops here");
                }
                if (checkpointer.shouldSave(step)) checkpointer.save(step, lr, state);
            }
        }
    }

    private static Tensor toDevice(long[] values, Batch batch, Device device) {
        Tensor cpu = torch.tensor(values, Ops.options(torch.ScalarType.Long)).view(batch.batchSize(), batch.seqLen());
        return device.is_cpu() ? cpu : cpu.to(device, torch.ScalarType.Long);
    }

    private Map<String, Object> meta(Model model, Device device, DataParallel dp) {
        Map<String, Object> meta = new LinkedHashMap<>();
        meta.put("model", config.model().name());
        meta.put("flavor", config.model().flavor());
        meta.put("params", model.parameters().count());
        meta.put("flops_per_token", model.flopsPerToken(config.training().seqLen()));
        meta.put("torch_version", Runtime.torchVersion());
        meta.put("device", device.is_cuda() ? "cuda" : "cpu");
        meta.put("cpu_capability", Runtime.cpuCapability());
        meta.put("blas", Runtime.blas());
        meta.put("blas_core", Runtime.blasCore());
        // The kernel set the launcher chose (run_train.sh, LOSS_COMPARE_KERNELS): native or portable.
        meta.put("kernels", System.getenv().getOrDefault("LOSS_COMPARE_KERNELS", "native"));
        meta.put("threads", config.training().numThreads());
        meta.put("allocator", Runtime.allocator()); // speed only; see run_train.sh
        meta.put("memory_source", MemoryGauge.of(device).source()); // what memory_bytes measures
        meta.put("jdk", Runtime.jdk());
        meta.put("mixed_precision_param", config.training().mixedPrecisionParam());
        meta.put("seed", config.debug().seed());
        meta.put("deterministic", config.debug().deterministic());
        meta.put("steps", config.training().steps());
        meta.put("seq_len", config.training().seqLen());
        meta.put("local_batch_size", config.training().localBatchSize());
        meta.put("world_size", dp.degree());
        meta.put("global_batch_size", config.training().localBatchSize() * dp.degree());
        return meta;
    }
}
