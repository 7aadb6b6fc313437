package dev.losscompare.trainer.model;

import java.util.ArrayList;
import java.util.List;
import java.util.function.IntFunction;
import org.bytedeco.pytorch.Device;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.global.torch;

/**
 * What every decoder here is made of: token embedding, the transformer blocks, final RMSNorm and
 * an untied output head, registered and initialized in torchtitan's order. Models supply the
 * blocks and decide which mask each layer sees.
 */
public final class DecoderStack {
    /** Builds layer i's block, registering its parameters in {@code params}. */
    public interface BlockFactory {
        TransformerBlock create(Parameters params, int layerId);
    }

    private final Parameters params;
    private final Tensor tokEmbeddings;
    private final List<TransformerBlock> layers = new ArrayList<>();
    private final Tensor norm;
    private final Tensor output;
    private final Double finalNormEps;

    /** @param finalNormEps the final norm's eps; null means nn.RMSNorm's default (the dtype's machine epsilon). */
    public DecoderStack(Device device, int vocabSize, int dim, int nLayers, Double finalNormEps, BlockFactory blocks) {
        this.finalNormEps = finalNormEps;
        this.params = new Parameters(device);
        this.tokEmbeddings = params.create("tok_embeddings.weight", vocabSize, dim);
        for (int i = 0; i < nLayers; i++) layers.add(blocks.create(params, i));
        this.norm = params.create("norm.weight", dim);
        this.output = params.create("output.weight", vocabSize, dim);
        // torchtitan's init_weights: embeddings N(0, 1), blocks, norm ones, head trunc-normal dim^-0.5 at 3 std.
        Init.normal(tokEmbeddings, 1.0);
        for (TransformerBlock b : layers) b.init();
        Init.ones(norm);
        double finalStd = StrictMath.pow(dim, -0.5); // models/llama3/model/model.py:434
        Init.truncNormal(output, finalStd, -3 * finalStd, 3 * finalStd);
    }

    /** Logits for tokens (B, S); layer i attends under {@code maskOfLayer.apply(i)} (null: plain causal). */
    Tensor forward(Tensor tokens, IntFunction<Tensor> maskOfLayer) {
        ModuleProbe probe = ModuleProbe.current();
        Tensor h = torch.embedding(tokEmbeddings, tokens);
        probe.output("tok_embeddings", h);
        for (int i = 0; i < layers.size(); i++) h = layers.get(i).forward(h, maskOfLayer.apply(i));
        Tensor normed = finalNormEps == null ? Ops.rmsNormDefaultEps(h, norm) : Ops.rmsNorm(h, norm, finalNormEps);
        probe.output("norm", normed);
        Tensor logits = Ops.linear(normed, output);
        probe.output("output", logits);
        return logits;
    }

    Parameters parameters() {
        return params;
    }

    void afterOptimizerStep() {
        for (TransformerBlock b : layers) b.feedForward().afterOptimizerStep();
    }

    List<Tensor> loadBalanceCounts() {
        List<Tensor> counts = new ArrayList<>();
        for (TransformerBlock b : layers) {
            Tensor c = b.feedForward().loadBalanceCounts();
            if (c != null) counts.add(c);
        }
        return counts;
    }

    /** torchtitan: 6 * active non-embedding params + 12 * layers * heads * head_dim * seq_len (attention). */
    double flopsPerToken(int nHeads, int headDim, long seqLen) {
        long active = params.count() - tokEmbeddings.numel();
        for (TransformerBlock b : layers) active -= b.feedForward().inactiveParams();
        return 6.0 * active + 12.0 * layers.size() * nHeads * headDim * seqLen;
    }
}
