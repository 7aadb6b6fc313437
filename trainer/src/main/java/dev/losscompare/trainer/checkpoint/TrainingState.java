package dev.losscompare.trainer.checkpoint;

import dev.losscompare.trainer.data.PackedBatches;
import dev.losscompare.trainer.model.Parameters;
import dev.losscompare.trainer.train.AdamW;
import java.util.LinkedHashMap;
import java.util.Map;
import org.bytedeco.pytorch.NoGradGuard;
import org.bytedeco.pytorch.Tensor;

/**
 * Everything that decides the next step's numbers, by name: the weights, AdamW's moments and
 * update count, persistent model buffers (MoE expert bias), the data stream's position, the RNG
 * states (CPU, and CUDA on CUDA: {@link RngStates}); the LR schedule is a function of the step
 * (and of the config the manifest pins).
 * One list, used for saving and for restoring, so a piece cannot be saved and then forgotten on load.
 */
public final class TrainingState {
    /** Tensor name prefixes in the checkpoint file: the groups a diagnosis names. */
    public static final String WEIGHTS = "model.", FIRST_MOMENT = "optimizer.exp_avg.", SECOND_MOMENT = "optimizer.exp_avg_sq.",
            BUFFERS = "buffer.";

    private final Parameters parameters;
    private final AdamW optimizer;
    private final PackedBatches data;
    private final RngStates rng;

    public TrainingState(Parameters parameters, AdamW optimizer, PackedBatches data, RngStates rng) {
        this.parameters = parameters;
        this.optimizer = optimizer;
        this.data = data;
        this.rng = rng;
    }

    /** The numbers outside the tensors, recorded in the manifest. */
    public record Counters(int optimizerSteps, PackedBatches.Position data) {}

    /** The state tensors in file order; the RNG states are fresh copies (call inside a PointerScope). */
    Map<String, Tensor> tensors() {
        Map<String, Tensor> out = live();
        out.putAll(rng.states());
        return out;
    }

    /** The tensors a restore writes into, in place (the RNG states are set separately). */
    private Map<String, Tensor> live() {
        Map<String, Tensor> out = new LinkedHashMap<>();
        parameters.byName().forEach((name, t) -> out.put(WEIGHTS + name, t));
        optimizer.firstMoments().forEach((name, t) -> out.put(FIRST_MOMENT + name, t));
        optimizer.secondMoments().forEach((name, t) -> out.put(SECOND_MOMENT + name, t));
        parameters.buffers().forEach((name, t) -> out.put(BUFFERS + name, t));
        return out;
    }

    Counters counters() {
        return new Counters(optimizer.stepCount(), data.position());
    }

    /** Every tensor name a checkpoint of this run must hold. */
    java.util.Set<String> names() {
        java.util.Set<String> names = new java.util.LinkedHashSet<>(live().keySet());
        names.addAll(rng.names());
        return names;
    }

    /** Writes the file's tensors and the manifest's counters into this run; names and shapes were checked by the caller. */
    void restore(SafeTensors.Contents contents, Counters counters) {
        try (NoGradGuard ignored = new NoGradGuard()) {
            for (Map.Entry<String, Tensor> e : live().entrySet()) contents.copyInto(e.getKey(), e.getValue());
            rng.restore(contents, rng.names());
        }
        optimizer.restoreStepCount(counters.optimizerSteps());
        data.seek(counters.data());
    }
}
