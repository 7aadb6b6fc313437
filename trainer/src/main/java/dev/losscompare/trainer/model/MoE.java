package dev.losscompare.trainer.model;

import org.bytedeco.pytorch.NoGradGuard;
import org.bytedeco.pytorch.T_TensorTensor_T;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.TensorOptional;
import org.bytedeco.pytorch.TensorVector;
import org.bytedeco.pytorch.global.torch;

/**
 * Token-choice top-k mixture of experts with shared experts and torchtitan's auxiliary-loss-free
 * load balancing (a per-expert bias added to the scores for routing only, nudged after each
 * optimizer step toward equal load).
 *
 * <p>Bit-reproducible by construction: tokens are grouped by expert with a stable sort, each
 * expert runs on a contiguous slice, and outputs return to token order by gathering with the
 * inverse permutation and summing the k choices in a fixed order. Nothing is scattered, so no
 * result depends on the order in which threads add.
 */
public final class MoE implements TransformerBlock.FeedForwardLayer {
    private final MoeArgs args;
    private final Tensor gate, w1, w2, w3;
    private final FeedForward shared;
    private final Tensor expertBias;
    private final Tensor tokensPerExpert;
    private final String name, routerName, expertsName;

    /** @param hiddenDim each expert's SwiGLU hidden size (the shared experts': that times their number). */
    public MoE(Parameters params, String prefix, int dim, int hiddenDim, MoeArgs args) {
        this.args = args;
        this.name = prefix.substring(0, prefix.length() - 1);
        this.routerName = prefix + "router";
        this.expertsName = prefix + "experts";
        // torchtitan registers experts, router, shared experts (models/moe.py:348-368).
        w1 = params.create(prefix + "experts.w1", args.numExperts(), hiddenDim, dim);
        w2 = params.create(prefix + "experts.w2", args.numExperts(), dim, hiddenDim);
        w3 = params.create(prefix + "experts.w3", args.numExperts(), hiddenDim, dim);
        gate = params.create(prefix + "router.gate.weight", args.numExperts(), dim);
        shared = args.numSharedExperts() > 0
                ? new FeedForward(params, prefix + "shared_experts.", dim, hiddenDim * args.numSharedExperts())
                : null;
        // Buffers, not parameters: the optimizer never sees them and seed checkpoints start them at 0.
        expertBias = torch.zeros(new long[] {args.numExperts()}, Ops.options(torch.ScalarType.Float, params.device()));
        tokensPerExpert = torch.zeros(new long[] {args.numExperts()}, Ops.options(torch.ScalarType.Float, params.device()));
        expertBias.retainReference();
        tokensPerExpert.retainReference();
        // Only the bias carries over a step boundary: the counts are zeroed after every update
        // (torchtitan's tokens_per_expert is a non-persistent buffer, models/moe.py:386-389).
        params.buffer(prefix + "expert_bias", expertBias);
    }

    /** x (B, S, D) -> (B, S, D). */
    @Override
    public Tensor forward(Tensor x) {
        long b = x.size(0), s = x.size(1), d = x.size(2), k = args.topK();
        Tensor tokens = x.view(b * s, d);
        Tensor scores = score(Ops.linear(tokens, gate));
        Tensor expertIds;
        try (NoGradGuard ignored = new NoGradGuard()) {
            // The bias steers the choice only; gating weights come from the unbiased scores.
            T_TensorTensor_T top = torch.topk(scores.add(expertBias), k, -1, true, true);
            // Each token's choices in expert order: torchtitan adds them into the output by
            // scatter_add over the expert-sorted list, so a token's terms arrive by expert id.
            expertIds = torch.sort(top.get1(), 1, false).get0();
        }
        Tensor topScores = scores.gather(1, expertIds);
        if (args.routeNorm()) topScores = topScores.div(topScores.sum(new long[] {-1}, true, new org.bytedeco.pytorch.ScalarTypeOptional()).add(Ops.scalar(1e-20)));
        topScores = topScores.mul(Ops.scalar(args.routeScale()));

        Tensor flatIds = expertIds.reshape(-1);
        Tensor order = torch.argsort(flatIds, true, 0, false); // stable: ties keep token order
        Tensor counts = torch.bincount(flatIds, new TensorOptional(), args.numExperts());
        try (NoGradGuard ignored = new NoGradGuard()) {
            tokensPerExpert.add_(counts.to(torch.ScalarType.Float));
        }
        Tensor routed = tokens.index_select(0, order.floor_divide(Ops.integer(k)));
        Tensor slotScores = topScores.reshape(-1).index_select(0, order).unsqueeze(1);
        // Scores multiply in fp32 and return to the input's dtype (models/moe.py:441-445, 458-462).
        if (args.scoreBeforeExperts()) routed = routed.to(torch.ScalarType.Float).mul(slotScores).to(x.scalar_type());

        long[] perExpert = new long[args.numExperts()];
        counts.cpu().contiguous().data_ptr_long().get(perExpert);
        ModuleProbe probe = ModuleProbe.current();
        probe.router(routerName, scores, perExpert);
        // unbind, not select per expert: its backward stacks the expert grads once, where each
        // select would build and add a zero-filled gradient the size of all experts.
        TensorVector w1s = w1.unbind(0), w2s = w2.unbind(0), w3s = w3.unbind(0);
        TensorVector outputs = new TensorVector();
        long offset = 0;
        for (int e = 0; e < args.numExperts(); e++) {
            if (perExpert[e] == 0) continue;
            Tensor slice = routed.narrow(0, offset, perExpert[e]);
            outputs.push_back(Ops.swiglu(slice, w1s.get(e), w2s.get(e), w3s.get(e)));
            offset += perExpert[e];
        }
        Tensor expertOut = torch.cat(outputs, 0);
        if (!args.scoreBeforeExperts()) expertOut = expertOut.to(torch.ScalarType.Float).mul(slotScores).to(x.scalar_type());
        // Back to (token, choice) order by gathering with the inverse permutation; then, like
        // torchtitan's shared_experts(x).scatter_add(routed) (models/moe.py:453-466), start from the
        // shared experts' output and add each choice in expert order.
        Tensor inverse = torch.argsort(order, true, 0, false);
        Tensor perChoice = expertOut.index_select(0, inverse).view(b * s, k, d);
        probe.output(expertsName, perChoice);
        Tensor combined = shared != null ? shared.forward(tokens) : torch.zeros_like(tokens);
        for (int j = 0; j < k; j++) combined = combined.add(perChoice.select(1, j));
        Tensor out = combined.view(b, s, d);
        probe.output(name, out);
        return out;
    }

    /** Scores in fp32 whatever the compute dtype (models/moe.py:235-241). */
    private Tensor score(Tensor logits) {
        logits = logits.to(torch.ScalarType.Float);
        return switch (args.scoreFunc()) {
            case "sigmoid" -> torch.sigmoid(logits);
            case "softmax" -> torch.softmax(logits, 1);
            default -> throw new IllegalStateException("score_func " + args.scoreFunc());
        };
    }

    /** torchtitan's load balancing: bias += coeff * sign(mean load - load), centred; then reset counts. */
    @Override
    public void afterOptimizerStep() {
        if (args.loadBalanceCoeff() <= 0) return;
        try (NoGradGuard ignored = new NoGradGuard()) {
            Tensor delta = torch.sign(tokensPerExpert.mean().sub(tokensPerExpert)).mul(Ops.scalar(args.loadBalanceCoeff()));
            expertBias.add_(delta.sub(delta.mean()));
            tokensPerExpert.zero_();
        }
    }

    @Override
    public void init(double outStd) {
        // Draw order experts, router, shared experts (models/moe.py:475-478).
        Init.truncNormal(w1, 0.02);
        Init.truncNormal(w2, outStd);
        Init.truncNormal(w3, outStd);
        Init.truncNormal(gate, outStd);
        if (shared != null) shared.init(outStd);
    }

    /** The routed experts a token does not visit. */
    @Override
    public long inactiveParams() {
        return (long) (args.numExperts() - args.topK()) * w1.size(1) * w1.size(2) * 3;
    }

    @Override
    public Tensor loadBalanceCounts() {
        return args.loadBalanceCoeff() > 0 ? tokensPerExpert : null;
    }

    Tensor expertBias() {
        return expertBias;
    }
}
