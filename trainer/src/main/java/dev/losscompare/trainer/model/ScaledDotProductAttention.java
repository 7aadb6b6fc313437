package dev.losscompare.trainer.model;

import org.bytedeco.pytorch.DoubleOptional;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.TensorOptional;
import org.bytedeco.pytorch.global.torch;

/**
 * The one attention op every model uses. No mask means plain causal attention (is_causal, the
 * sdpa flavor); a boolean mask (B, 1, S, S) means "attend where true" (the flex flavors'
 * block-causal and chunked masks). Modules hold no mask state: masks arrive with each call.
 */
public final class ScaledDotProductAttention {
    private ScaledDotProductAttention() {}

    /** q, k, v: (B, H, S, D). Returns (B, H, S, D). A null scale is SDPA's default, 1/sqrt(D). */
    public static Tensor apply(Tensor q, Tensor k, Tensor v, Tensor maskOrNull, Double scale) {
        boolean causal = maskOrNull == null;
        TensorOptional mask = causal ? new TensorOptional() : new TensorOptional(maskOrNull);
        return torch.scaled_dot_product_attention(q, k, v, mask, 0.0, causal, scale == null ? new DoubleOptional() : new DoubleOptional(scale), false);
    }
}
