package dev.losscompare.trainer.model;

import org.bytedeco.pytorch.Tensor;

/**
 * What {@code Model.attentionMasks} returns and {@code forward} consumes: boolean masks of shape
 * (B, 1, S, S), true where a query may attend to a key. {@code global} serves ordinary attention
 * layers; {@code local} serves chunked (iRoPE local) layers and is null for models without them.
 * A null AttentionMasks means plain causal attention (the sdpa flavor).
 */
public record AttentionMasks(Tensor global, Tensor local) {
    public static AttentionMasks of(Tensor global) {
        return new AttentionMasks(global, null);
    }
}
