package dev.losscompare.trainer.trace;

import dev.losscompare.trainer.model.AttentionMasks;
import org.bytedeco.pytorch.Tensor;

/**
 * The trainer's hooks for one step, called in execution order. {@link #OFF} (every untraced step)
 * does nothing: no tensor op, no allocation. Closing the trace of a traced step uninstalls its
 * module probe.
 */
public interface StepTrace extends AutoCloseable {
    StepTrace OFF = new StepTrace() {};

    /** The step's token ids and labels (B, S) and the masks the model built for them (null: none). */
    default void inputs(Tensor tokens, Tensor labels, AttentionMasks masks) {}

    /** The loss, after the forward pass. */
    default void loss(Tensor loss) {}

    /** Every parameter's gradient, right after backward. */
    default void gradients() {}

    /** After the gradients are averaged over ranks and clipped (their norm is known). */
    default void gradNorm() {}

    /** After the optimizer step (applied false: skipped because loss or grad norm was not finite). */
    default void optimizerStep(double lr, float gradNorm, boolean applied) {}

    @Override
    default void close() {}
}
