package dev.losscompare.trainer.model.deepseekv3;

import dev.losscompare.trainer.model.MoeArgs;
import dev.losscompare.trainer.model.RotaryEmbedding;

/**
 * Shapes of torchtitan's deepseek_v3. Multi-head latent attention: queries are projected directly
 * (q_lora_rank 0, the only rank supported here); keys and values come from one compressed latent
 * of {@code kvLoraRank} (with its own RMSNorm) plus a RoPE part of {@code qkRopeHeadDim} shared by
 * all heads. The first {@code nDenseLayers} layers use a dense SwiGLU of {@code interDim}; the
 * rest MoE with experts of {@code moeInterDim}.
 */
public record DeepSeekV3Args(
        int dim,
        int nLayers,
        int nDenseLayers,
        int nHeads,
        int vocabSize,
        int interDim,
        int moeInterDim,
        int kvLoraRank,
        int qkNopeHeadDim,
        int qkRopeHeadDim,
        int vHeadDim,
        double normEps,
        double ropeTheta,
        RotaryEmbedding.Yarn yarn,
        MoeArgs moe,
        boolean flexAttention) {

    /** The fields by name, starting from torchtitan's defaults (below). */
    public static Builder builder() {
        return new Builder();
    }

    public int qkHeadDim() {
        return qkNopeHeadDim + qkRopeHeadDim;
    }

    /** qk_head_dim ** -0.5, times mscale² beyond YaRN's original length (models/deepseek_v3/model/model.py:181-185). */
    public double softmaxScale(long seqLen) {
        return yarn.softmaxScale(StrictMath.pow(qkHeadDim(), -0.5), seqLen);
    }

    /** DeepSeekV3ModelArgs by name, with its defaults (models/deepseek_v3/model/args.py:56-88). */
    public static final class Builder {
        private int vocabSize = 102400;
        private int dim = 2048;
        private int interDim = 10944;
        private int moeInterDim = 1408;
        private int nLayers = 27;
        private int nDenseLayers = 1;
        private int nHeads = 16;
        private double normEps = 1e-5;
        private MoeArgs moe = MoeArgs.builder().build();
        private int kvLoraRank = 512;
        private int qkNopeHeadDim = 128;
        private int qkRopeHeadDim = 64;
        private int vHeadDim = 128;
        private boolean flexAttention = false;
        // YaRN
        private long originalSeqLen = 4096;
        private double ropeTheta = 10000.0;
        private double ropeFactor = 40;
        private double betaFast = 32;
        private double betaSlow = 1;
        private double mscale = 1.0;

        private Builder() {}

        public Builder vocabSize(int v) {
            vocabSize = v;
            return this;
        }

        public Builder dim(int v) {
            dim = v;
            return this;
        }

        public Builder interDim(int v) {
            interDim = v;
            return this;
        }

        public Builder moeInterDim(int v) {
            moeInterDim = v;
            return this;
        }

        public Builder nLayers(int v) {
            nLayers = v;
            return this;
        }

        public Builder nDenseLayers(int v) {
            nDenseLayers = v;
            return this;
        }

        public Builder nHeads(int v) {
            nHeads = v;
            return this;
        }

        public Builder normEps(double v) {
            normEps = v;
            return this;
        }

        public Builder moe(MoeArgs v) {
            moe = v;
            return this;
        }

        public Builder kvLoraRank(int v) {
            kvLoraRank = v;
            return this;
        }

        public Builder qkNopeHeadDim(int v) {
            qkNopeHeadDim = v;
            return this;
        }

        public Builder qkRopeHeadDim(int v) {
            qkRopeHeadDim = v;
            return this;
        }

        public Builder vHeadDim(int v) {
            vHeadDim = v;
            return this;
        }

        /** torchtitan's use_flex_attn with attn_mask_type "block_causal" (a boolean mask to SDPA here). */
        public Builder flexAttention(boolean v) {
            flexAttention = v;
            return this;
        }

        public Builder originalSeqLen(long v) {
            originalSeqLen = v;
            return this;
        }

        public Builder ropeTheta(double v) {
            ropeTheta = v;
            return this;
        }

        public Builder ropeFactor(double v) {
            ropeFactor = v;
            return this;
        }

        public Builder betaFast(double v) {
            betaFast = v;
            return this;
        }

        public Builder betaSlow(double v) {
            betaSlow = v;
            return this;
        }

        public Builder mscale(double v) {
            mscale = v;
            return this;
        }

        public DeepSeekV3Args build() {
            return new DeepSeekV3Args(dim, nLayers, nDenseLayers, nHeads, vocabSize, interDim, moeInterDim, kvLoraRank,
                    qkNopeHeadDim, qkRopeHeadDim, vHeadDim, normEps, ropeTheta,
                    new RotaryEmbedding.Yarn(originalSeqLen, ropeFactor, betaFast, betaSlow, mscale), moe, flexAttention);
        }
    }
}
