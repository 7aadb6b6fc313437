package dev.losscompare.trainer.model;

/**
 * Mixture-of-experts routing (torchtitan's MoEArgs, models/moe.py:17-31). {@code scoreFunc} is
 * "sigmoid" or "softmax"; {@code loadBalanceCoeff} > 0 enables the auxiliary-loss-free
 * expert-bias update. The experts' hidden size is the model's to choose, as in torchtitan's
 * {@code MoE(moe_args, dim, hidden_dim)}.
 */
public record MoeArgs(
        int numExperts,
        int numSharedExperts,
        String scoreFunc,
        boolean routeNorm,
        double routeScale,
        boolean scoreBeforeExperts,
        int topK,
        double loadBalanceCoeff) {

    /** MoEArgs' fields by name, starting from its defaults (models/moe.py:19-31). */
    public static Builder builder() {
        return new Builder();
    }

    public static final class Builder {
        private int numExperts = 8;
        private int numSharedExperts = 1;
        private String scoreFunc = "sigmoid";
        private boolean routeNorm = false;
        private double routeScale = 1.0;
        private boolean scoreBeforeExperts = true;
        private int topK = 1;
        private double loadBalanceCoeff = 1e-3;

        private Builder() {}

        public Builder numExperts(int v) {
            numExperts = v;
            return this;
        }

        public Builder numSharedExperts(int v) {
            numSharedExperts = v;
            return this;
        }

        public Builder scoreFunc(String v) {
            scoreFunc = v;
            return this;
        }

        public Builder routeNorm(boolean v) {
            routeNorm = v;
            return this;
        }

        public Builder routeScale(double v) {
            routeScale = v;
            return this;
        }

        public Builder scoreBeforeExperts(boolean v) {
            scoreBeforeExperts = v;
            return this;
        }

        public Builder topK(int v) {
            topK = v;
            return this;
        }

        /** 0 turns load balancing off (torchtitan: None). */
        public Builder loadBalanceCoeff(double v) {
            loadBalanceCoeff = v;
            return this;
        }

        public MoeArgs build() {
            return new MoeArgs(numExperts, numSharedExperts, scoreFunc, routeNorm, routeScale, scoreBeforeExperts,
                    topK, loadBalanceCoeff);
        }
    }
}
