package dev.losscompare.trainer.model.llama3;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.losscompare.trainer.config.ConfigLoader;
import dev.losscompare.trainer.config.JobConfig;
import dev.losscompare.trainer.data.ByteTokenizer;
import dev.losscompare.trainer.model.Model;
import dev.losscompare.trainer.model.Ops;
import dev.losscompare.trainer.trace.StepTrace;
import dev.losscompare.trainer.trace.Tracer;
import dev.losscompare.trainer.train.Runtime;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Supplier;
import org.bytedeco.javacpp.PointerScope;
import org.bytedeco.pytorch.Device;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.global.torch;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A changed RMSNorm eps in one layer shows first as that layer's attention_norm output in the trace. */
class TraceLocatesChangeTest {
    private static final Path CONFIG = Path.of("..").toAbsolutePath().normalize().resolve("configs/llama3_debug.toml");
    private static final int SEQ_LEN = 32;
    private static final Device CPU = new Device("cpu");
    @TempDir Path dir;

    @Test
    void aChangedNormEpsInLayerTwoDivergesFirstAtLayerTwosAttentionNorm() throws Exception {
        LlamaArgs args = Llama3Flavors.FLAVORS.args("debugmodel", ByteTokenizer.VOCAB_SIZE);
        List<JsonNode> reference = traceOneForward("reference", () -> new LlamaTransformer(args, SEQ_LEN, CPU));
        List<JsonNode> changed = traceOneForward("changed", () -> new OneLayerEpsLlama(args, SEQ_LEN, CPU, 2, 1e-3));
        assertEquals(reference.size(), changed.size());
        int first = 0;
        while (first < reference.size() && reference.get(first).equals(changed.get(first))) first++;
        assertTrue(first < reference.size(), "the traces must differ somewhere");
        JsonNode at = changed.get(first);
        assertEquals("module", at.get("event").asText());
        assertEquals("layers.2.attention_norm", at.get("name").asText(),
                "first difference: " + at + " vs " + reference.get(first));
        assertNotEquals(reference.get(first).get("digest"), at.get("digest"));
        assertEquals(reference.get(first).get("shape"), at.get("shape"));
    }

    /** Builds the model under seed 42 and traces one forward pass over fixed tokens (with EOS). */
    private List<JsonNode> traceOneForward(String name, Supplier<Model> model) throws Exception {
        Path file = dir.resolve(name + ".jsonl");
        JobConfig config = ConfigLoader.load(CONFIG, List.of("--training.seq_len=" + SEQ_LEN,
                "--debug.trace_steps=1", "--debug.trace_path=" + file));
        try (PointerScope ignored = new PointerScope()) {
            Runtime.seedAndDeterminism(42, true, CPU);
            Model m = model.get();
            long[] ids = new long[SEQ_LEN];
            for (int i = 0; i < SEQ_LEN; i++) ids[i] = i % 11 == 10 ? ByteTokenizer.EOS : 'a' + (i * 7) % 26;
            Tensor tokens = torch.tensor(ids, Ops.options(torch.ScalarType.Long)).view(1, SEQ_LEN);
            try (Tracer tracer = Tracer.start(config, m.parameters().byName()); StepTrace step = tracer.step(1)) {
                step.inputs(tokens, tokens, null);
                m.forward(tokens, null);
            }
        }
        ObjectMapper json = new ObjectMapper();
        List<JsonNode> events = new ArrayList<>();
        for (String line : Files.readAllLines(file)) events.add(json.readTree(line));
        return events;
    }
}
