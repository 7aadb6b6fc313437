package dev.losscompare.trainer.model;

import java.util.function.Function;
import org.bytedeco.pytorch.Tensor;

/**
 * The pre-norm residual block every model here uses: h = x + attention(norm(x)),
 * out = h + feedForward(norm(h)). Models supply the attention (GQA, latent) and the feed-forward
 * (dense SwiGLU or MoE); parameters register in the model's torchtitan order, names under layers.N.
 */
public final class TransformerBlock {
    /** Self-attention over (B, S, D); a null mask means plain causal. */
    public interface Attention {
        Tensor forward(Tensor x, Tensor maskOrNull);

        void init(double outStd);
    }

    /** Position-wise feed-forward over (B, S, D). */
    public interface FeedForwardLayer {
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

    /**
     * Where the two norms register (the order of checkpoints, the optimizer and the grad-norm sum).
     * llama3/llama4 assign attention, feed_forward, attention_norm, ffn_norm
     * (models/llama3/model/model.py:329-337); deepseek_v3 assigns attention, attention_norm,
     * ffn_norm, then moe/feed_forward (models/deepseek_v3/model/model.py:291-303).
     */
    public enum ParamOrder { NORMS_LAST, NORMS_BEFORE_FEED_FORWARD }

    private final Tensor attentionNorm, ffnNorm;
    private final Attention attention;
    private final FeedForwardLayer feedForward;
    private final double normEps;
    private final double initStd;
    /** Trace names, built once: layers.N, layers.N.attention_norm, ... */
    private final String name, attentionNormName, attentionName, ffnNormName;

    /** @param feedForward gets the layer prefix ("layers.N.") and adds its own ("feed_forward." or "moe."). */
    public TransformerBlock(Parameters params, int layerId, int dim, double normEps, ParamOrder order,
                     Function<String, Attention> attention, Function<String, FeedForwardLayer> feedForward) {
        String prefix = "layers." + layerId + ".";
        this.name = "layers." + layerId;
        this.attentionNormName = prefix + "attention_norm";
        this.attentionName = prefix + "attention";
        this.ffnNormName = prefix + "ffn_norm";
        this.normEps = normEps;
        this.attention = attention.apply(prefix + "attention.");
        if (order == ParamOrder.NORMS_LAST) {
            this.feedForward = feedForward.apply(prefix);
            attentionNorm = params.create(prefix + "attention_norm.weight", dim);
            ffnNorm = params.create(prefix + "ffn_norm.weight", dim);
        } else {
            attentionNorm = params.create(prefix + "attention_norm.weight", dim);
            ffnNorm = params.create(prefix + "ffn_norm.weight", dim);
            this.feedForward = feedForward.apply(prefix);
        }
        // depth_init (models/llama3/model/model.py:340): 0.02 / (2 * (layer_id + 1)) ** 0.5
        initStd = 0.02 / StrictMath.pow(2.0 * (layerId + 1), 0.5);
    }

    Tensor forward(Tensor x, Tensor maskOrNull) {
        ModuleProbe probe = ModuleProbe.current();
        Tensor attentionIn = Ops.rmsNorm(x, attentionNorm, normEps);
        probe.output(attentionNormName, attentionIn);
        Tensor attended = attention.forward(attentionIn, maskOrNull);
        probe.attention(attentionName, attended, maskOrNull);
        Tensor h = x.add(attended);
        Tensor ffnIn = Ops.rmsNorm(h, ffnNorm, normEps);
        probe.output(ffnNormName, ffnIn);
        Tensor out = h.add(feedForward.forward(ffnIn)); // the feed-forward reports its own output
        probe.output(name, out);
        return out;
    }

    /** torchtitan's init_weights: norms (no random draws), then attention, then the feed-forward. */
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
