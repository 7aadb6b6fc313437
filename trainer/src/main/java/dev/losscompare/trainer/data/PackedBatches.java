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
    private long documents = 0; // documents taken from the corpus so far (the last one is pending)

    /**
     * Where the stream stands between two batches: how many documents were taken from the corpus
     * and how many tokens of the last one are used. A fresh corpus with the same seed, advanced
     * to it ({@link #seek}), continues with the very next token.
     */
    public record Position(long documents, int offset) {}

    public PackedBatches(SyntheticCorpus corpus, ByteTokenizer tokenizer, int batchSize, int seqLen) {
        this.corpus = corpus;
        this.tokenizer = tokenizer;
        this.batchSize = batchSize;
        this.seqLen = seqLen;
    }

    public Position position() {
        return new Position(documents, pendingPos);
    }

    /** Continues from {@code position}: replays its documents (generating text is cheap next to a step). Only on a fresh stream. */
    public void seek(Position position) {
        if (documents != 0) throw new IllegalStateException("seek on a stream that has already been read");
        for (long d = 0; d < position.documents(); d++) takeDocument();
        if (position.offset() < 0 || position.offset() > pending.length) {
            throw new IllegalArgumentException("data position offset " + position.offset() + " is outside document "
                    + position.documents() + " (" + pending.length + " tokens)");
        }
        pendingPos = position.offset();
    }

    private void takeDocument() {
        pending = tokenizer.encodeDocument(corpus.nextDocument());
        pendingPos = 0;
        documents++;
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
            if (pendingPos == pending.length) takeDocument();
            int n = Math.min(window.length - filled, pending.length - pendingPos);
            System.arraycopy(pending, pendingPos, window, filled, n);
            filled += n;
            pendingPos += n;
        }
    }
}
