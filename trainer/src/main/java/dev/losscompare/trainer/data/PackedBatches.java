package dev.losscompare.trainer.data;

/**
 * Packs the document stream into fixed windows like torchtitan's text dataset: take seqLen + 1
 * tokens, inputs are the first seqLen and labels the last seqLen, and the next window starts
 * after them. Documents run across window boundaries; EOS marks where one ends.
 */
public final class PackedBatches {
    private final SyntheticCorpus corpus;
    private final ByteTokenizer tokenizer;
    private final int batchSize;
    private final int seqLen;
    private int[] pending = new int[0];
    private int pendingPos = 0;

    public PackedBatches(SyntheticCorpus corpus, ByteTokenizer tokenizer, int batchSize, int seqLen) {
        this.corpus = corpus;
        this.tokenizer = tokenizer;
        this.batchSize = batchSize;
        this.seqLen = seqLen;
    }

    public Batch next() {
        long[] inputs = new long[batchSize * seqLen];
        long[] labels = new long[batchSize * seqLen];
        int[] window = new int[seqLen + 1];
        for (int row = 0; row < batchSize; row++) {
            fill(window);
            for (int i = 0; i < seqLen; i++) {
                inputs[row * seqLen + i] = window[i];
                labels[row * seqLen + i] = window[i + 1];
            }
        }
        return new Batch(inputs, labels, batchSize, seqLen);
    }

    private void fill(int[] window) {
        int filled = 0;
        while (filled < window.length) {
            if (pendingPos == pending.length) {
                pending = tokenizer.encodeDocument(corpus.nextDocument());
                pendingPos = 0;
            }
            int n = Math.min(window.length - filled, pending.length - pendingPos);
            System.arraycopy(pending, pendingPos, window, filled, n);
            filled += n;
            pendingPos += n;
        }
    }
}
