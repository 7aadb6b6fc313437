package dev.losscompare.trainer.model;

import org.bytedeco.pytorch.Tensor;

/**
 * What the trainer needs from a model. Models own their attention-mask API (torchtitan's
 * layout): the trainer asks for masks each step and hands them to forward; no module keeps them.
 */
public interface Model {
    /** Masks for this batch of tokens (B, S): null for plain causal (sdpa) flavors. */
    AttentionMasks attentionMasks(Tensor tokens, long eosId);

    /** Logits (B, S, vocab) for tokens (B, S) under the given masks. */
    Tensor forward(Tensor tokens, AttentionMasks masks);

    Parameters parameters();

    /** Training FLOPs per token (forward + backward) at this sequence length, torchtitan's estimate. */
    double flopsPerToken(long seqLen);

    /** Hook after each optimizer step, e.g. MoE load-balancing bias updates. */
    default void afterOptimizerStep() {}

    /** Counters {@link #afterOptimizerStep} reads (MoE tokens per expert): data parallelism sums them over ranks first. */
    default java.util.List<Tensor> loadBalanceCounts() {
        return java.util.List.of();
    }
}
