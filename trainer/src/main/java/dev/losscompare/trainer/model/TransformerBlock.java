package dev.losscompare.trainer.model;

import java.util.function.Function;
import org.bytedeco.pytorch.Tensor;

/**
 * The pre-norm residual block every model here uses: h = x + attention(norm(x)),
 * out = h + feedForward(norm(h)). Models supply the attention (GQA, latent) and the feed-forward
 * (dense SwiGLU or MoE); parameters register in torchtitan's order, names under layers.N.
 */
final class TransformerBlock {
    /** Self-attention over (B, S, D); a null mask means plain causal. */
    interface Attention {
        Tensor forward(Tensor x, Tensor maskOrNull);

        void init(double outStd);
    }

    /** Position-wise feed-forward over (B, S, D). */
    interface FeedForwardLayer {
        Tensor forward(Tensor x);

        void init(double outStd);

        /** Parameters a token does not use (unrouted experts), excluded from FLOP estimates. */
        default long inactiveParams() {
            return 0;
        }

        default void afterOptimizerStep() {}

        /** The counters afterOptimizerStep reads, or null. */
        default Tensor loadBalanceCounts() {
            return null;
        }
    }

    private final Tensor attentionNorm, ffnNorm;
    private final Attention attention;
    private final FeedForwardLayer feedForward;
    private final double normEps;
    private final double initStd;

    /** @param feedForward gets the layer prefix ("layers.N.") and adds its own ("feed_forward." or "moe."). */
    TransformerBlock(Parameters params, int layerId, int dim, double normEps,
                     Function<String, Attention> attention, Function<String, FeedForwardLayer> feedForward) {
        String prefix = "layers." + layerId + ".";
        this.normEps = normEps;
        attentionNorm = params.create(prefix + "attention_norm.weight", dim);
        this.attention = attention.apply(prefix + "attention.");
        ffnNorm = params.create(prefix + "ffn_norm.weight", dim);
        this.feedForward = feedForward.apply(prefix);
        initStd = 0.02 / Math.sqrt(2.0 * (layerId + 1)); // torchtitan's depth_init
    }

    Tensor forward(Tensor x, Tensor maskOrNull) {
        Tensor h = x.add(attention.forward(Ops.rmsNorm(x, attentionNorm, normEps), maskOrNull));
        return h.add(feedForward.forward(Ops.rmsNorm(h, ffnNorm, normEps)));
    }

    void init() {
        Init.ones(attentionNorm);
        Init.ones(ffnNorm);
        attention.init(initStd);
        feedForward.init(initStd);
    }

    FeedForwardLayer feedForward() {
        return feedForward;
    }
}
