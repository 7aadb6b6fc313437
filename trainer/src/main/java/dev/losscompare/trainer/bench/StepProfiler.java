package dev.losscompare.trainer.bench;

import dev.losscompare.trainer.model.AttentionMasks;
import dev.losscompare.trainer.model.ModuleProbe;
import dev.losscompare.trainer.trace.StepTrace;
import java.lang.management.ManagementFactory;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.regex.Pattern;
import org.bytedeco.pytorch.Tensor;

/**
 * The benchmark's per-step timer. Every measured step gets its process CPU time; with
 * {@code detailed}, it also splits the step at the trainer's hooks (inputs, loss, gradients,
 * clipping, optimizer) and, in the forward pass, at every module output (the model's
 * {@link ModuleProbe}). Each segment is the wall time from the previous hook to this one, summed
 * over layers under the module's name without its layer index ({@code attention_norm},
 * {@code feed_forward}, {@code moe}). Ops on CPU run synchronously, so a segment is the time of
 * the ops between two hooks. Only reads the clock: the step computes what it would have computed.
 */
final class StepProfiler {
    private static final Pattern LAYER = Pattern.compile("^layers\\.\\d+\\.?");
    private static final com.sun.management.OperatingSystemMXBean OS =
            (com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();

    private final boolean detailed;
    private final int firstMeasuredStep;
    private final Map<String, Long> nanosBySegment = new LinkedHashMap<>();
    private final Map<Integer, Double> cpuSecondsByStep = new LinkedHashMap<>();
    private int measuredSteps;

    StepProfiler(boolean detailed, int firstMeasuredStep) {
        this.detailed = detailed;
        this.firstMeasuredStep = firstMeasuredStep;
    }

    /** The hooks of one step (warm-up steps are timed too, but not summed). */
    StepTrace step(int step) {
        return new Timed(step);
    }

    /** Process CPU seconds (all threads) per step, by step number. */
    Map<Integer, Double> cpuSecondsByStep() {
        return cpuSecondsByStep;
    }

    /** Summed wall nanoseconds per segment over the measured steps, in first-seen order. */
    Map<String, Long> segments() {
        return nanosBySegment;
    }

    int measuredSteps() {
        return measuredSteps;
    }

    private final class Timed implements StepTrace, ModuleProbe {
        private final int step;
        private final long cpuStart = OS.getProcessCpuTime();
        private final ModuleProbe.Installed installed;
        private long last = System.nanoTime();

        Timed(int step) {
            this.step = step;
            this.installed = detailed ? ModuleProbe.install(this) : null;
        }

        private void mark(String segment) {
            long now = System.nanoTime();
            if (detailed && step >= firstMeasuredStep) nanosBySegment.merge(segment, now - last, Long::sum);
            last = now;
        }

        @Override
        public void inputs(Tensor tokens, Tensor labels, AttentionMasks masks) {
            mark("inputs and attention masks");
        }

        @Override
        public void output(String name, Tensor value) {
            String module = LAYER.matcher(name).replaceFirst("");
            mark("forward: " + (module.isEmpty() ? "block residual add" : module));
        }

        @Override
        public void attention(String name, Tensor value, Tensor maskOrNull) {
            output(name, value);
        }

        @Override
        public void router(String name, Tensor scores, long[] tokensPerExpert) {
            output(name, scores);
        }

        @Override
        public void loss(Tensor loss) {
            mark("forward: loss (cross-entropy)");
        }

        @Override
        public void gradients() {
            mark("backward");
        }

        @Override
        public void gradNorm() {
            mark("gradient all-reduce and clip_grad_norm_");
        }

        @Override
        public void optimizerStep(double lr, float gradNorm, boolean applied) {
            mark("optimizer (AdamW) and load balancing");
        }

        @Override
        public void close() {
            mark("zero_grad");
            if (installed != null) installed.close();
            cpuSecondsByStep.put(step, (OS.getProcessCpuTime() - cpuStart) / 1e9);
            if (step >= firstMeasuredStep) measuredSteps++;
        }
    }
}
