package dev.losscompare.trainer.model;

import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.TensorOptions;
import org.bytedeco.pytorch.global.torch;

/**
 * Builds attention masks from a token batch, entirely with tensor ops so they stay on the batch's
 * device. Each mask is the logical AND of simple predicates over (query i, key j) — causal,
 * same document, same chunk — composed in one place, like flex attention's and_masks.
 */
public final class MaskFactory {
    private MaskFactory() {}

    /** Document id of each position: the number of EOS tokens strictly before it, so EOS closes its document. */
    public static Tensor documentIds(Tensor tokens, long eosId) {
        Tensor isEos = tokens.eq(Ops.integer(eosId)).to(torch.ScalarType.Long);
        Tensor inclusive = isEos.cumsum(1);
        return inclusive.sub(isEos); // exclusive prefix sum
    }

    /** (S, S) lower-triangular: key j visible to query i iff j <= i. */
    public static Tensor causal(long seqLen, Tensor like) {
        Tensor pos = positions(seqLen, like);
        return pos.unsqueeze(1).ge(pos.unsqueeze(0));
    }

    /** (B, 1, S, S): causal AND same document. The block-causal document mask. */
    public static Tensor blockCausal(Tensor tokens, long eosId) {
        long seqLen = tokens.size(1);
        return causal(seqLen, tokens).unsqueeze(0).unsqueeze(0).logical_and(sameDocument(tokens, eosId));
    }

    /**
     * (B, 1, S, S): block-causal AND same fixed-size chunk (positions i/chunk == j/chunk): llama4's
     * iRoPE local-attention mask.
     */
    public static Tensor chunkedBlockCausal(Tensor tokens, long eosId, long chunkSize) {
        long seqLen = tokens.size(1);
        Tensor chunk = positions(seqLen, tokens).floor_divide(Ops.integer(chunkSize));
        Tensor sameChunk = chunk.unsqueeze(1).eq(chunk.unsqueeze(0)).unsqueeze(0).unsqueeze(0);
        return blockCausal(tokens, eosId).logical_and(sameChunk);
    }

    /** (B, 1, S, S): query i and key j in the same document. */
    static Tensor sameDocument(Tensor tokens, long eosId) {
        Tensor doc = documentIds(tokens, eosId);
        return doc.unsqueeze(2).eq(doc.unsqueeze(1)).unsqueeze(1);
    }

    private static Tensor positions(long seqLen, Tensor like) {
        return torch.arange(Ops.integer(0), Ops.integer(seqLen),
                Ops.options(torch.ScalarType.Long, like.device()));
    }
}
