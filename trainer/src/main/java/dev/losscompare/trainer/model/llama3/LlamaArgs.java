package dev.losscompare.trainer.model.llama3;

import dev.losscompare.trainer.model.MoeArgs;
import dev.losscompare.trainer.model.RotaryEmbedding;

/**
 * Shapes of the llama family (torchtitan's TransformerModelArgs of llama3 and llama4). {@code moe}
 * null means dense SwiGLU layers; with an MoE, layer i uses it when
 * (i + 1) % {@code interleaveMoeLayerStep} == 0 and a dense SwiGLU otherwise (torchtitan
 * experiments/llama4/model/model.py:356). iRoPE (llama4): with {@code everyNLayersNope} = n > 0,
 * layers with i % n == 0 use no positional embedding and attend across the whole window
 * (model.py:348); the other layers use RoPE and attend within fixed chunks of
 * {@code fixedAttnBlockSize} tokens (flex flavors only).
 */
public record LlamaArgs(
        int dim,
        int nLayers,
        int nHeads,
        int nKvHeads,
        int vocabSize,
        int multipleOf,
        double normEps,
        double ropeTheta,
        RotaryEmbedding.Scaling ropeScaling,
        boolean flexAttention,
        MoeArgs moe,
        int interleaveMoeLayerStep,
        int everyNLayersNope,
        int fixedAttnBlockSize) {

    /** llama3's RoPEScalingArgs defaults (models/llama3/model/args.py:21-25). */
    public static final RotaryEmbedding.Scaling LLAMA3_ROPE_SCALING = new RotaryEmbedding.Scaling(8.0, 1.0, 4.0, 8192);

    /** The fields by name, starting from torchtitan's defaults (below). */
    public static Builder builder() {
        return new Builder();
    }

    public int headDim() {
        return dim / nHeads;
    }

    /** A dense layer's SwiGLU hidden size: torchtitan's FeedForward sizing rule (models/llama3/model/model.py:286-290). */
    public int ffnHidden() {
        return roundUpToMultipleOf(twoThirdsOf4Dim());
    }

    /**
     * An MoE layer's expert hidden size: the same 2/3 rule split across top_k + shared experts,
     * rounded up (auto_scale_hidden_dim, experiments/llama4/model/model.py:358-371).
     */
    public int moeHiddenDim() {
        return roundUpToMultipleOf(twoThirdsOf4Dim() / (moe.topK() + moe.numSharedExperts()));
    }

    /** int(2 * hidden_dim / 3) of hidden_dim = 4 * dim. */
    private int twoThirdsOf4Dim() {
        return (int) (2 * (4 * dim) / 3.0);
    }

    private int roundUpToMultipleOf(int hidden) {
        return multipleOf * ((hidden + multipleOf - 1) / multipleOf);
    }

    public boolean moeEnabled(int layerId) {
        return moe != null && (layerId + 1) % interleaveMoeLayerStep == 0;
    }

    /** iRoPE: some layers are NoPE and global, the others RoPE and chunked (llama4). */
    public boolean iRope() {
        return everyNLayersNope > 0;
    }

    public boolean usesRope(int layerId) {
        return !iRope() || layerId % everyNLayersNope != 0;
    }

    /** RoPE layers of an iRoPE model attend within chunks; NoPE layers attend globally. */
    public boolean chunkedAttention(int layerId) {
        return flexAttention && iRope() && usesRope(layerId);
    }

    /**
     * TransformerModelArgs by name. Defaults are torchtitan's: llama3's
     * (models/llama3/model/args.py:28-48: no MoE, llama3 RoPE scaling) and, for the llama4 fields,
     * llama4's (experiments/llama4/model/args.py:56-63: every_n_layers_nope None, here 0;
     * fixed_attn_block_size 8192; interleave_moe_layer_step 2).
     */
    public static final class Builder {
        private int dim = 4096;
        private int nLayers = 32;
        private int nHeads = 32;
        private Integer nKvHeads; // None: n_heads
        private int vocabSize = 128256;
        private int multipleOf = 256;
        private double normEps = 1e-5;
        private double ropeTheta = 10000;
        private RotaryEmbedding.Scaling ropeScaling = LLAMA3_ROPE_SCALING;
        private boolean flexAttention = false;
        private MoeArgs moe = null;
        private int interleaveMoeLayerStep = 2;
        private int everyNLayersNope = 0;
        private int fixedAttnBlockSize = 8192;

        private Builder() {}

        public Builder dim(int v) {
            dim = v;
            return this;
        }

        public Builder nLayers(int v) {
            nLayers = v;
            return this;
        }

        public Builder nHeads(int v) {
            nHeads = v;
            return this;
        }

        public Builder nKvHeads(int v) {
            nKvHeads = v;
            return this;
        }

        public Builder vocabSize(int v) {
            vocabSize = v;
            return this;
        }

        public Builder multipleOf(int v) {
            multipleOf = v;
            return this;
        }

        public Builder normEps(double v) {
            normEps = v;
            return this;
        }

        public Builder ropeTheta(double v) {
            ropeTheta = v;
            return this;
        }

        /** null: no scaling. */
        public Builder ropeScaling(RotaryEmbedding.Scaling v) {
            ropeScaling = v;
            return this;
        }

        /** torchtitan's use_flex_attn with attn_mask_type "block_causal" (a boolean mask to SDPA here). */
        public Builder flexAttention(boolean v) {
            flexAttention = v;
            return this;
        }

        /** MoE layers (llama4); null: dense only. */
        public Builder moe(MoeArgs v) {
            moe = v;
            return this;
        }

        public Builder interleaveMoeLayerStep(int v) {
            interleaveMoeLayerStep = v;
            return this;
        }

        public Builder everyNLayersNope(int v) {
            everyNLayersNope = v;
            return this;
        }

        public Builder fixedAttnBlockSize(int v) {
            fixedAttnBlockSize = v;
            return this;
        }

        public LlamaArgs build() {
            return new LlamaArgs(dim, nLayers, nHeads, nKvHeads == null ? nHeads : nKvHeads, vocabSize, multipleOf,
                    normEps, ropeTheta, ropeScaling, flexAttention, moe, interleaveMoeLayerStep, everyNLayersNope,
                    fixedAttnBlockSize);
        }
    }
}
