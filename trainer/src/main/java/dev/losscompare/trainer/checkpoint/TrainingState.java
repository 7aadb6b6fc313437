package dev.losscompare.trainer.checkpoint;

import dev.losscompare.trainer.data.PackedBatches;
import dev.losscompare.trainer.model.Parameters;
import dev.losscompare.trainer.train.AdamW;
import java.util.LinkedHashMap;
import java.util.Map;
import org.bytedeco.pytorch.NoGradGuard;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.global.torch;

/**
 * Everything that decides the next step's numbers, by name: the weights, AdamW's moments and
 * update count, persistent model buffers (MoE expert bias), the data stream's position, the RNG
 * state; the LR schedule is a function of the step (and of the config the manifest pins).
 * One list, used for saving and for restoring, so a piece cannot be saved and then forgotten on load.
 */
public final class TrainingState {
    /** Tensor name prefixes in the checkpoint file: the groups a diagnosis names. */
    public static final String WEIGHTS = "model.", FIRST_MOMENT = "optimizer.exp_avg.", SECOND_MOMENT = "optimizer.exp_avg_sq.",
            BUFFERS = "buffer.", RNG = "rng.cpu";

    private final Parameters parameters;
    private final AdamW optimizer;
    private final PackedBatches data;

    public TrainingState(Parameters parameters, AdamW optimizer, PackedBatches data) {
        this.parameters = parameters;
        this.optimizer = optimizer;
        this.data = data;
    }

    /** The numbers outside the tensors, recorded in the manifest. */
    public record Counters(int optimizerSteps, PackedBatches.Position data) {}

    /** The state tensors in file order; the RNG state is a fresh copy (call inside a PointerScope). */
    Map<String, Tensor> tensors() {
        Map<String, Tensor> out = live();
        out.put(RNG, torch.getDefaultCPUGenerator().get_state());
        return out;
    }

    /** The tensors a restore writes into, in place (the RNG state is set separately). */
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
        names.add(RNG);
        return names;
    }

    /** Writes the file's tensors and the manifest's counters into this run; names and shapes were checked by the caller. */
    void restore(SafeTensors.Contents contents, Counters counters) {
        try (NoGradGuard ignored = new NoGradGuard()) {
            for (Map.Entry<String, Tensor> e : live().entrySet()) contents.copyInto(e.getKey(), e.getValue());
            Tensor rng = torch.getDefaultCPUGenerator().get_state();
            contents.copyInto(RNG, rng);
            torch.getDefaultCPUGenerator().set_state(rng);
            rng.close();
        }
        optimizer.restoreStepCount(counters.optimizerSteps());
        data.seek(counters.data());
    }
}
