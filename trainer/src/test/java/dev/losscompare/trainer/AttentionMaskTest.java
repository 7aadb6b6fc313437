package dev.losscompare.trainer;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.losscompare.trainer.data.ByteTokenizer;
import dev.losscompare.trainer.model.AttentionMasks;
import dev.losscompare.trainer.model.MaskFactory;
import dev.losscompare.trainer.model.Model;
import dev.losscompare.trainer.model.ModelRegistry;
import dev.losscompare.trainer.model.Ops;
import java.nio.file.Path;
import java.util.List;
import org.bytedeco.pytorch.Device;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.global.torch;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class AttentionMaskTest {
    static final long EOS = ByteTokenizer.EOS;
    @TempDir Path dir;

    static Tensor tokens(long[][] rows) {
        long[] flat = new long[rows.length * rows[0].length];
        for (int r = 0; r < rows.length; r++) System.arraycopy(rows[r], 0, flat, r * rows[0].length, rows[0].length);
        return torch.tensor(flat, Ops.options(torch.ScalarType.Long)).view(rows.length, rows[0].length);
    }

    static boolean[] toBooleans(Tensor mask) {
        Tensor asLong = mask.to(torch.ScalarType.Long).contiguous();
        long[] v = new long[(int) asLong.numel()];
        asLong.data_ptr_long().get(v);
        boolean[] out = new boolean[v.length];
        for (int i = 0; i < v.length; i++) out[i] = v[i] != 0;
        return out;
    }

    /** Reference built by hand: same document (EOS closes its document) and j <= i. */
    static boolean[] referenceBlockCausal(long[][] rows) {
        int b = rows.length, s = rows[0].length;
        boolean[] out = new boolean[b * s * s];
        for (int r = 0; r < b; r++) {
            int[] doc = new int[s];
            for (int i = 1; i < s; i++) doc[i] = doc[i - 1] + (rows[r][i - 1] == EOS ? 1 : 0);
            for (int i = 0; i < s; i++) for (int j = 0; j < s; j++) out[(r * s + i) * s + j] = j <= i && doc[i] == doc[j];
        }
        return out;
    }

    @Test
    void blockCausalMaskMatchesHandBuiltReference() {
        long[][] rows = {
            {65, 66, EOS, 67, 68, 69, EOS, 70},
            {EOS, 71, 72, 73, 74, EOS, EOS, 75},
        };
        Tensor mask = MaskFactory.blockCausal(tokens(rows), EOS);
        assertArrayEquals(new long[] {2, 1, 8, 8}, mask.sizes().vec().get());
        assertArrayEquals(referenceBlockCausal(rows), toBooleans(mask));
        // Spot checks that read as sentences: the EOS at 2 belongs to document 0 ...
        boolean[] m = toBooleans(mask);
        assertTrue(m[2 * 8 + 0], "EOS attends to its own document's start");
        // ... and the token after it cannot see it.
        assertTrue(!m[3 * 8 + 2], "a new document cannot see the previous EOS");
    }

    @Test
    void chunkedMaskKeepsQueriesInTheirChunkAndDocumentIncludingAtChunkBoundaries() {
        long chunk = 4;
        long[][] rows = {
            {65, 66, 67, 68, 69, EOS, 70, 71, 72, 73},   // a document crossing the 4|5 chunk boundary
            {65, 66, 67, EOS, 68, 69, 70, 71, EOS, 72},  // a document starting exactly at a chunk start
        };
        Tensor mask = MaskFactory.chunkedBlockCausal(tokens(rows), EOS, chunk);
        boolean[] docMask = referenceBlockCausal(rows);
        boolean[] m = toBooleans(mask);
        int s = rows[0].length;
        for (int r = 0; r < rows.length; r++) {
            for (int i = 0; i < s; i++) {
                for (int j = 0; j < s; j++) {
                    int at = (r * s + i) * s + j;
                    boolean expected = docMask[at] && i / chunk == j / chunk;
                    assertEquals(expected, m[at], "row " + r + " query " + i + " key " + j);
                }
            }
        }
        // Spelled out: 4 starts chunk 1 and cannot see 3 (same document); the EOS at 5 sees 4; 7 is a new document.
        assertTrue(!m[4 * s + 3] && m[4 * s + 4] && m[3 * s + 0] && m[5 * s + 4] && !m[7 * s + 4]);
    }

    @Test
    void sdpaFlavorAsksForNoMaskAndFlexFlavorBuildsOne() {
        Device cpu = new Device(torch.DeviceType.CPU);
        Tensor toks = tokens(new long[][] {{65, EOS, 66, 67}});
        assertNull(ModelRegistry.create("llama3", "debugmodel", ByteTokenizer.VOCAB_SIZE, 4, cpu).attentionMasks(toks, EOS));
        AttentionMasks masks = ModelRegistry.create("llama3", "debugmodel_flex_attn", ByteTokenizer.VOCAB_SIZE, 4, cpu)
                .attentionMasks(toks, EOS);
        assertNotNull(masks);
        assertNull(masks.local());
    }

    static double loss(String flavor, Tensor tokens, Tensor labels) {
        torch.manual_seed(7); // same seed, same init order: identical weights for both flavors
        Model model = ModelRegistry.create("llama3", flavor, ByteTokenizer.VOCAB_SIZE, tokens.size(1),
                new Device(torch.DeviceType.CPU));
        Tensor logits = model.forward(tokens, model.attentionMasks(tokens, EOS));
        return torch.cross_entropy(logits.view(-1, logits.size(2)), labels.view(-1)).item_double();
    }

    @Test
    void flexMatchesSdpaWhenEveryWindowHoldsOneDocument() {
        long[][] rows = new long[2][24], next = new long[2][24];
        for (int r = 0; r < 2; r++) for (int i = 0; i < 24; i++) rows[r][i] = 97 + (r * 5 + i * 3) % 26;
        for (int r = 0; r < 2; r++) for (int i = 0; i < 24; i++) next[r][i] = rows[r][(i + 1) % 24];
        Tensor toks = tokens(rows), labels = tokens(next);
        double sdpa = loss("debugmodel", toks, labels), flex = loss("debugmodel_flex_attn", toks, labels);
        assertEquals(sdpa, flex, 1e-5 * Math.abs(sdpa));
    }

    @Test
    void flexDiffersFromSdpaOnPackedDocuments() throws Exception {
        String[] shape = {"--training.steps=3", "--training.seq_len=64"};
        List<JsonNode> sdpa = TinyRuns.train(dir.resolve("sdpa.jsonl"), shape);
        List<JsonNode> flex = TinyRuns.train(dir.resolve("flex.jsonl"), shape[0], shape[1],
                "--model.flavor=debugmodel_flex_attn");
        // These windows hold document boundaries (EOS), so the document mask changes the numbers;
        // a window without one would legitimately give sdpa's exact loss.
        double[] a = TinyRuns.series(sdpa, "loss"), b = TinyRuns.series(flex, "loss");
        double maxRel = 0;
        for (int i = 0; i < a.length; i++) maxRel = Math.max(maxRel, Math.abs(a[i] - b[i]) / Math.abs(a[i]));
        assertTrue(maxRel > 1e-5, "flex " + java.util.Arrays.toString(b) + " should differ from sdpa " + java.util.Arrays.toString(a));
        assertEquals(sdpa.get(2).get("data_fingerprint").asText(), flex.get(2).get("data_fingerprint").asText());
    }
}
