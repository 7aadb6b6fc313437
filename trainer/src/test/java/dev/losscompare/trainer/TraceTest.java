package dev.losscompare.trainer;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.losscompare.trainer.config.ConfigException;
import dev.losscompare.trainer.config.ConfigLoader;
import dev.losscompare.trainer.data.BatchDump;
import dev.losscompare.trainer.data.ByteTokenizer;
import dev.losscompare.trainer.model.ModelRegistry;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.function.IntPredicate;
import org.bytedeco.javacpp.PointerScope;
import org.bytedeco.pytorch.Device;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * --debug.trace_steps / --debug.trace_path on the real trainer at tiny shapes: the documented
 * events in order for each model family, numbers that agree with the metrics file and with values
 * computed here from the dumped batches, identical traces for identical runs, and metrics that do
 * not move by a bit when tracing is on.
 */
class TraceTest {
    private static final int STEPS = 2;
    @TempDir Path dir;

    /** A traced run (all steps) and the same run untraced. */
    private record Runs(List<JsonNode> trace, List<JsonNode> traced, List<JsonNode> untraced, Path batches) {}

    private Runs runTracedAndUntraced(String name, String... model) throws IOException {
        Path batches = dir.resolve(name + "-batches");
        List<String> traced = new ArrayList<>(List.of(model));
        traced.addAll(List.of("--training.steps=" + STEPS, "--training.local_batch_size=1",
                "--debug.trace_steps=1-" + STEPS, "--debug.trace_path=" + dir.resolve(name + ".trace.jsonl"),
                "--debug.dump_batches=" + batches));
        List<JsonNode> tracedMetrics = TinyRuns.train(dir.resolve(name + "-on.jsonl"), traced.toArray(String[]::new));
        List<String> plain = new ArrayList<>(List.of(model));
        plain.addAll(List.of("--training.steps=" + STEPS, "--training.local_batch_size=1"));
        List<JsonNode> untracedMetrics = TinyRuns.train(dir.resolve(name + "-off.jsonl"), plain.toArray(String[]::new));
        return new Runs(read(dir.resolve(name + ".trace.jsonl")), tracedMetrics, untracedMetrics, batches);
    }

    @Test
    void llama3TraceHasEveryEventInOrderAndChangesNoNumber() throws Exception {
        Runs runs = runTracedAndUntraced("llama3", "--model.name=llama3", "--model.flavor=debugmodel");
        List<String> modules = llamaModules(6, i -> true, i -> false);
        checkTrace(runs, "llama3", "debugmodel", 32, List.of("none"), modules, i -> "none");
    }

    @Test
    void llama4IropeTraceRecordsBothMaskKindsAndTheRouter() throws Exception {
        // seq_len 64 with 32-token chunks, so the chunked mask differs from the document mask.
        Runs runs = runTracedAndUntraced("llama4", "--model.name=llama4", "--model.flavor=debugmodel_irope",
                "--training.seq_len=64");
        // iRoPE: layers 0 and 4 are NoPE under the document mask; the others RoPE under the chunked one.
        IntPredicate nope = i -> i % 4 == 0;
        List<String> modules = llamaModules(6, nope.negate(), i -> i % 2 == 1);
        checkTrace(runs, "llama4", "debugmodel_irope", 64, List.of("document", "chunked"), modules,
                i -> nope.test(i) ? "document" : "chunked");
        for (JsonNode router : named(runs.trace, "module", ".moe.router")) {
            assertEquals(64, sum(router.get("tokens_per_expert")), "top-1: every token goes to one expert");
        }
    }

    @Test
    void deepseekV3TraceRecordsLatentAttentionAndTheDocumentMask() throws Exception {
        Runs runs = runTracedAndUntraced("deepseek", "--model.name=deepseek_v3", "--model.flavor=debugmodel_flex_attn");
        List<String> modules = new ArrayList<>(List.of("tok_embeddings"));
        for (int i = 0; i < 6; i++) {
            String p = "layers." + i + ".";
            modules.addAll(List.of(p + "attention_norm", p + "attention.q_rope", p + "attention.kv_norm",
                    p + "attention.k_rope", p + "attention.sdpa", p + "attention", p + "ffn_norm"));
            modules.addAll(i == 0 ? List.of(p + "feed_forward")
                    : List.of(p + "moe.router", p + "moe.experts", p + "moe.shared_experts", p + "moe"));
            modules.add("layers." + i);
        }
        modules.addAll(List.of("norm", "output"));
        checkTrace(runs, "deepseek_v3", "debugmodel_flex_attn", 32, List.of("document"), modules, i -> "document");
        for (JsonNode router : named(runs.trace, "module", ".moe.router")) {
            assertEquals(32 * 3, sum(router.get("tokens_per_expert")), "top-3: three experts per token");
        }
    }

    @Test
    void identicalRunsWriteIdenticalTracesAndOnlyTheNamedSteps() throws Exception {
        Path a = dir.resolve("a.trace.jsonl"), b = dir.resolve("b.trace.jsonl");
        TinyRuns.train(dir.resolve("a.jsonl"), "--training.steps=3", "--training.local_batch_size=1",
                "--debug.trace_steps=2", "--debug.trace_path=" + a);
        TinyRuns.train(dir.resolve("b.jsonl"), "--training.steps=3", "--training.local_batch_size=1",
                "--debug.trace_steps=2", "--debug.trace_path=" + b);
        assertArrayEquals(Files.readAllBytes(a), Files.readAllBytes(b));
        List<JsonNode> events = read(a);
        for (JsonNode e : events) {
            if (e.has("step")) assertTrue(List.of(0, 2).contains(e.get("step").intValue()), e.toString());
        }
        assertEquals(List.of(2), ints(events.get(0).get("steps")));
        assertEquals("end", events.get(events.size() - 1).get("event").asText());
    }

    @Test
    void initialParametersAreRecordedAfterTheSeedCheckpointLoads() throws Exception {
        Path ckpt = dir.resolve("seed.safetensors");
        new dev.losscompare.trainer.train.Trainer(TinyRuns.config(dir.resolve("unused.jsonl"),
                "--checkpoint.create_seed_checkpoint", "--checkpoint.path=" + ckpt, "--debug.seed=5"),
                new PrintStream(new ByteArrayOutputStream())).run();
        Path own = dir.resolve("own.trace.jsonl"), loaded = dir.resolve("loaded.trace.jsonl");
        TinyRuns.train(dir.resolve("own.jsonl"), "--debug.seed=5", "--training.steps=1",
                "--debug.trace_steps=1", "--debug.trace_path=" + own);
        TinyRuns.train(dir.resolve("loaded.jsonl"), "--debug.seed=6", "--training.steps=1",
                "--debug.trace_steps=1", "--debug.trace_path=" + loaded, "--checkpoint.initial_load_path=" + ckpt);
        List<JsonNode> ownInit = events(read(own), "init_param"), loadedInit = events(read(loaded), "init_param");
        assertFalse(ownInit.isEmpty());
        assertEquals(ownInit, loadedInit, "seed 6 + seed-5 checkpoint starts from seed 5's weights");
    }

    @Test
    void badTraceOptionsAreOneLineNamingTheKey() {
        for (String spec : List.of("x", "0", "3-1", "1-", "1,,2", "-2")) {
            String e = assertThrows(ConfigException.class, () -> ConfigLoader.load(TinyRuns.LLAMA3_CONFIG,
                    List.of("--debug.trace_steps=" + spec, "--debug.trace_path=t.jsonl"))).getMessage();
            assertTrue(e.startsWith("bad value '" + spec + "' for debug.trace_steps: "), e);
            assertFalse(e.contains("\n"), e);
        }
        String noPath = assertThrows(ConfigException.class, () -> ConfigLoader.load(TinyRuns.LLAMA3_CONFIG,
                List.of("--debug.trace_steps=1"))).getMessage();
        assertEquals("debug.trace_steps needs debug.trace_path (--debug.trace_path=FILE)", noPath);
        String beyond = assertThrows(ConfigException.class, () -> ConfigLoader.load(TinyRuns.LLAMA3_CONFIG,
                List.of("--training.steps=3", "--debug.trace_steps=2,5", "--debug.trace_path=t.jsonl"))).getMessage();
        assertTrue(beyond.contains("debug.trace_steps") && beyond.contains("training.steps is 3"), beyond);
        assertEquals(2, Main.run(new String[] {"--config=" + TinyRuns.LLAMA3_CONFIG, "--debug.trace_steps=1-x",
                "--debug.trace_path=" + dir.resolve("t.jsonl")}));
        assertFalse(Files.exists(dir.resolve("t.jsonl")));
    }

    /** Every check that holds for any model: the event sequence, and numbers checked against other sources. */
    private static void checkTrace(Runs runs, String model, String flavor, int seqLen, List<String> maskKinds,
                                   List<String> modules, java.util.function.IntFunction<String> maskOfLayer) throws Exception {
        List<String> params;
        try (PointerScope ignored = new PointerScope()) {
            params = new ArrayList<>(ModelRegistry.create(model, flavor, ByteTokenizer.VOCAB_SIZE, seqLen,
                    new Device("cpu")).parameters().byName().keySet());
        }
        List<String> expected = new ArrayList<>(List.of("trace"));
        for (String p : params) expected.add("init_param " + p);
        for (int step = 1; step <= STEPS; step++) {
            expected.addAll(List.of("input tokens", "input labels"));
            for (String kind : maskKinds) expected.add("mask " + kind);
            for (String m : modules) expected.add("module " + m);
            expected.add("loss");
            for (int i = params.size() - 1; i >= 0; i--) expected.add("grad " + params.get(i));
            expected.add("optimizer_step");
            for (String p : params) expected.add("param " + p);
        }
        expected.add("end");
        List<String> actual = new ArrayList<>();
        for (JsonNode e : runs.trace) {
            String id = e.has("name") ? e.get("name").asText() : e.has("kind") ? e.get("kind").asText() : "";
            actual.add((e.get("event").asText() + " " + id).strip());
        }
        assertEquals(expected, actual);

        JsonNode header = runs.trace.get(0);
        assertEquals(1, header.get("format_version").intValue());
        assertEquals(model, header.get("model").asText());
        assertEquals(List.of(1, 2), ints(header.get("steps")));

        // Tracing changes no number: the metrics of the traced and untraced runs agree bit for bit.
        for (String metric : List.of("loss", "grad_norm", "lr")) {
            assertArrayEquals(TinyRuns.bits(runs.untraced, metric), TinyRuns.bits(runs.traced, metric), metric);
        }
        for (int step = 1; step <= STEPS; step++) {
            JsonNode metrics = runs.traced.get(step - 1);
            assertEquals(runs.untraced.get(step - 1).get("data_fingerprint"), metrics.get("data_fingerprint"));
            List<JsonNode> ofStep = ofStep(runs.trace, step);
            assertEquals(bits(metrics.get("loss")), bits(events(ofStep, "loss").get(0).get("loss")));
            JsonNode opt = events(ofStep, "optimizer_step").get(0);
            assertEquals(bits(metrics.get("grad_norm")), bits(opt.get("grad_norm")));
            assertEquals(bits(metrics.get("lr")), bits(opt.get("lr")));
            assertTrue(opt.get("applied").booleanValue());

            // Inputs and masks against values computed here from the dumped token ids.
            JsonNode batch = TinyRuns.JSON.readTree(BatchDump.fileOf(runs.batches, step).toFile());
            long[] tokens = ids(batch.get("inputs")), labels = ids(batch.get("labels"));
            assertEquals(sha256Prefix(tokens), named(ofStep, "input", "tokens").get(0).get("digest").asText());
            assertEquals(sha256Prefix(labels), named(ofStep, "input", "labels").get(0).get("digest").asText());
            for (JsonNode mask : events(ofStep, "mask")) {
                String kind = mask.get("kind").asText();
                if (kind.equals("none")) {
                    assertTrue(mask.get("digest").isNull());
                    continue;
                }
                assertEquals(List.of(1, 1, seqLen, seqLen), ints(mask.get("shape")));
                assertEquals("bool", mask.get("dtype").asText());
                assertEquals(visiblePairs(tokens, kind.equals("chunked") ? 32 : seqLen), mask.get("true_count").longValue(), kind);
            }
            for (int layer = 0; layer < 6; layer++) {
                assertEquals(maskOfLayer.apply(layer), named(ofStep, "module", "layers." + layer + ".attention")
                        .get(0).get("mask").asText(), "layer " + layer);
            }
            for (JsonNode e : ofStep) {
                if (!e.has("digest") || e.get("digest").isNull()) continue;
                assertTrue(e.get("digest").asText().matches("[0-9a-f]{16}"), e.toString());
                if (e.has("norm")) assertTrue(Double.isFinite(e.get("norm").doubleValue()), e.toString());
            }
            for (JsonNode grad : events(ofStep, "grad")) assertFalse(grad.get("digest").isNull(), grad.toString());
            assertEquals(List.of(1, seqLen, ByteTokenizer.VOCAB_SIZE), ints(named(ofStep, "module", "output").get(0).get("shape")));
        }
        // The optimizer moved every parameter: step 1's digests differ from the initial ones.
        List<JsonNode> init = events(runs.trace, "init_param"), after = events(ofStep(runs.trace, 1), "param");
        for (int i = 0; i < init.size(); i++) {
            assertFalse(init.get(i).get("digest").equals(after.get(i).get("digest")), init.get(i).get("name").asText());
        }
    }

    /** llama3/llama4 modules in forward order. */
    private static List<String> llamaModules(int layers, IntPredicate rope, IntPredicate moe) {
        List<String> modules = new ArrayList<>(List.of("tok_embeddings"));
        for (int i = 0; i < layers; i++) {
            String p = "layers." + i + ".";
            modules.add(p + "attention_norm");
            if (rope.test(i)) modules.addAll(List.of(p + "attention.q_rope", p + "attention.k_rope"));
            modules.addAll(List.of(p + "attention.sdpa", p + "attention", p + "ffn_norm"));
            modules.addAll(moe.test(i) ? List.of(p + "moe.router", p + "moe.experts", p + "moe.shared_experts", p + "moe")
                    : List.of(p + "feed_forward"));
            modules.add("layers." + i);
        }
        modules.addAll(List.of("norm", "output"));
        return modules;
    }

    /** Query i sees key j iff j <= i, same document (EOS closes its document) and same chunk. One row (batch 1). */
    private static long visiblePairs(long[] tokens, int chunk) {
        int[] doc = new int[tokens.length];
        for (int i = 1; i < tokens.length; i++) doc[i] = doc[i - 1] + (tokens[i - 1] == ByteTokenizer.EOS ? 1 : 0);
        long n = 0;
        for (int i = 0; i < tokens.length; i++) {
            for (int j = 0; j <= i; j++) if (doc[i] == doc[j] && i / chunk == j / chunk) n++;
        }
        return n;
    }

    private static String sha256Prefix(long[] values) throws Exception {
        ByteBuffer bytes = ByteBuffer.allocate(values.length * 8).order(ByteOrder.LITTLE_ENDIAN);
        for (long v : values) bytes.putLong(v);
        return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes.array())).substring(0, 16);
    }

    private static long[] ids(JsonNode rows) {
        List<Long> all = new ArrayList<>();
        for (JsonNode row : rows) for (JsonNode v : row) all.add(v.longValue());
        return all.stream().mapToLong(Long::longValue).toArray();
    }

    private static List<JsonNode> read(Path trace) throws IOException {
        List<JsonNode> events = new ArrayList<>();
        for (String line : Files.readAllLines(trace)) events.add(TinyRuns.JSON.readTree(line));
        return events;
    }

    private static List<JsonNode> events(List<JsonNode> events, String type) {
        return events.stream().filter(e -> e.get("event").asText().equals(type)).toList();
    }

    private static List<JsonNode> ofStep(List<JsonNode> events, int step) {
        return events.stream().filter(e -> e.has("step") && e.get("step").intValue() == step).toList();
    }

    private static List<JsonNode> named(List<JsonNode> events, String type, String nameOrSuffix) {
        return events(events, type).stream().filter(e -> e.get("name").asText().equals(nameOrSuffix)
                || (nameOrSuffix.startsWith(".") && e.get("name").asText().endsWith(nameOrSuffix))).toList();
    }

    private static List<Integer> ints(JsonNode array) {
        List<Integer> list = new ArrayList<>();
        for (JsonNode v : array) list.add(v.intValue());
        return list;
    }

    private static long sum(JsonNode array) {
        long s = 0;
        for (JsonNode v : array) s += v.longValue();
        return s;
    }

    private static long bits(JsonNode number) {
        return Double.doubleToRawLongBits(number.doubleValue());
    }
}
