package dev.losscompare.trainer.data;

import java.nio.charset.StandardCharsets;

/** Byte-level tokenizer: ids 0-255 are UTF-8 bytes, then BOS and EOS. Nothing to download. */
public final class ByteTokenizer {
    public static final int BOS = 256;
    public static final int EOS = 257;
    public static final int VOCAB_SIZE = 258;

    /** BOS, the text's bytes, EOS: one document, as torchtitan encodes with add_bos and add_eos. */
    public int[] encodeDocument(String text) {
        byte[] bytes = text.getBytes(StandardCharsets.UTF_8);
        int[] ids = new int[bytes.length + 2];
        ids[0] = BOS;
        for (int i = 0; i < bytes.length; i++) ids[i + 1] = bytes[i] & 0xff;
        ids[ids.length - 1] = EOS;
        return ids;
    }
}
