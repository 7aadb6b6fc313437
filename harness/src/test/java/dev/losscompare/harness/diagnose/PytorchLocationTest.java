package dev.losscompare.harness.diagnose;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.losscompare.core.result.Diagnosis;
import dev.losscompare.core.result.Diagnosis.Stage;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The location of a change in a nanoGPT-style trainer (fixture/nanogpt_model, with fixture/nanogpt's
 * prepare.py and config: model.py with
 * CausalSelfAttention, MLP with GELU, LayerNorm; AdamW), from real traces: the trainer runs with
 * the tracer on Debian's torch as the harness runs it (sitecustomize on PYTHONPATH), two steps,
 * once per revision of its source, and {@link OpLocator} names where the test revision parts.
 */
class PytorchLocationTest {
    private static final Path PYTHON = Path.of("/usr/bin/python3");
    private static final Path TRACER = Path.of("").toAbsolutePath().getParent().resolve("tracer");
    /** model.py and train.py; prepare.py and the config are the nanoGPT fixture's. */
    private static final Path FIXTURE = Path.of("src/test/resources/fixture/nanogpt_model");
    private static final Path NANOGPT = Path.of("src/test/resources/fixture/nanogpt");


    /** The revisions of the fixture, as edits file -> {old, new, ...}; each is traced once, two at a time. */
    private static final Map<String, String[]> SCALE = Map.of("model.py", new String[] {"(1.0 / math.sqrt(k.size(-1)))", "(1.0 / k.size(-1))"});
    private static final Map<String, String[]> EPS = Map.of("model.py", new String[] {"self.bias, 1e-5)", "self.bias, 1e-6)"});
    private static final Map<String, String[]> GELU = Map.of("model.py", new String[] {"nn.GELU()", "nn.GELU(approximate='tanh')"});
    private static final Map<String, String[]> TIMES_ONE = Map.of("model.py", new String[] {"        x = x + self.attn(self.ln_1(x))",
            "        x = x * 1.0\n        x = x + self.attn(self.ln_1(x))"});
    private static final Map<String, String[]> TIMES_TWO = Map.of("model.py", new String[] {"        x = x + self.attn(self.ln_1(x))",
            "        x = x * 2.0\n        x = x + self.attn(self.ln_1(x))"});
    private static final Map<String, String[]> DATA = Map.of("train.py", new String[] {"(data[i:i + block_size]).astype",
            "(data[i + 2:i + 2 + block_size]).astype"});
    private static final Map<String, String[]> BETAS = Map.of("train.py", new String[] {"beta2 = 0.95", "beta2 = 0.99"});
    private static final Map<String, String[]> INIT = Map.of("model.py", new String[] {"std=0.02)", "std=0.03)"});
    // A perturbation per run (as GPU atomics make one): each run scales the embeddings by 1 + RUN_SEED * 1e-6, its
    // seed given per run, so that the runs differ by known amounts (random ones would make the test flaky).
    private static final String[] NOISE = {"import math\n", "import math\nimport os\n", "        x = tok_emb + pos_emb\n",
            "        x = tok_emb + pos_emb\n        x = x * (1 + int(os.environ['RUN_SEED']) * 1e-6)\n"};
    private static final Map<String, String[]> NOISY = Map.of("model.py", NOISE);
    private static final Map<String, String[]> NOISY_SCALE = Map.of("model.py", concat(NOISE, SCALE.get("model.py")));
    /**
     * The GPU-like trainer (fixture/tiny_gpt with reduction_noise): its runs differ by a random half of each gradient
     * moved by one float32 ulp, from a seed drawn per run; here each run's seed given (TINY_GPT_REDUCTION_SEED), so the
     * traces are the same every time. Seeds of fresh runs on which the locator once named the noise itself.
     */
    private static final Path TINY_GPT = Path.of("src/test/resources/fixture/tiny_gpt/train.py");
    private static final String TINY_GPT_CONFIG = "vocab = 64\ndim = 32\nheads = 2\nlayers = 2\nseq_len = 16\nbatch = 4\nlr = 0.001\n"
            + "reduction_noise = true\n";
    private static final List<String> REDUCTION_SEEDS = List.of("48984580329049375", "14246302246753431", "37451332530973290",
            "67238874602996380", "22332466464934556");
    private static final Map<String, Future<OpTrace>> TRACES = new ConcurrentHashMap<>();

    @TempDir
    static Path tmp;
    private static OpTrace baseline;
    private static ExecutorService pool;

    /** Starts every revision's traced run, two at a time (the machine's cores); each test waits for the ones it reads. */
    @BeforeAll
    static void traceEveryRevision() throws Exception {
        assumeTrue(Files.isExecutable(PYTHON) && run(List.of(PYTHON.toString(), "-c", "import torch, numpy"), tmp, Map.of()) == 0,
                PYTHON + " has no torch (CI installs Debian's python3-torch)");
        pool = Executors.newFixedThreadPool(2);
        start("baseline", Map.of(), "0");
        for (var v : Map.of("scale", SCALE, "eps", EPS, "gelu", GELU, "times_one", TIMES_ONE, "times_two", TIMES_TWO, "data", DATA,
                "betas", BETAS, "init", INIT).entrySet()) {
            start(v.getKey(), v.getValue(), "0");
        }
        start("noisy_1", NOISY, "1");
        start("noisy_2", NOISY, "2");
        start("noisy_scale", NOISY_SCALE, "3");
        start("noisy_3", NOISY, "4");
        for (int i = 0; i < REDUCTION_SEEDS.size(); i++) {
            String seed = REDUCTION_SEEDS.get(i);
            TRACES.put("reduction_" + i, pool.submit(() -> tinyGpt("reduction_" + seed, TINY_GPT_CONFIG, seed)));
        }
        TRACES.put("reduction_lr", pool.submit(() -> tinyGpt("reduction_lr", TINY_GPT_CONFIG.replace("lr = 0.001", "lr = 0.002"),
                REDUCTION_SEEDS.get(4))));
        baseline = trace("baseline");
    }

    @AfterAll
    static void stop() {
        if (pool != null) pool.shutdownNow();
    }

    private static void start(String name, Map<String, String[]> edits, String runSeed) {
        TRACES.put(name, pool.submit(() -> trace(name, edits, runSeed)));
    }

    private static OpTrace trace(String name) throws Exception {
        try {
            return TRACES.get(name).get();
        } catch (ExecutionException e) {
            if (e.getCause() instanceof Exception x) throw x;
            throw (Error) e.getCause();
        }
    }

    private static String[] concat(String[] a, String[] b) {
        String[] out = java.util.Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, out, a.length, b.length);
        return out;
    }

    @Test
    void theAttentionScaleIsTheAttentionModulesMulAtItsLine() throws Exception {
        Diagnosis d = locate("scale");
        assertEquals(Stage.FORWARD, d.stage(), d.where());
        assertTrue(d.where().startsWith("forward, transformer.h.0.attn: aten::mul.Tensor at model.py:36"
                + " (att = (q @ k.transpose(-2, -1)) * (1.0 / k.size(-1))): inputs identical, argument other 0.25 vs 0.0625,"
                + " output differs (rel "), d.where());
        assertTrue(d.where().matches(".*; the \\d+ ops of step 1 before it identical"), d.where());
        assertTrue(d.modules().stream().anyMatch(m -> m.first() && m.name().contains("aten::mul.Tensor")), d.modules().toString());
        // The per-module picture: what ran before the attention is identical, the attention and what follows differ.
        assertTrue(module(d, "transformer.h.0.ln_1").identical(), d.modules().toString());
        assertTrue(!module(d, "transformer.h.0.attn").identical(), d.modules().toString());
        assertTrue(!module(d, "lm_head").identical(), d.modules().toString());
    }

    private static Diagnosis.ModuleDiff module(Diagnosis d, String name) {
        return d.modules().stream().filter(m -> m.name().startsWith("module " + name + " (")).findFirst().orElseThrow();
    }

    @Test
    void layerNormsEpsIsThatLayerNormsOp() throws Exception {
        Diagnosis d = locate("eps");
        assertTrue(d.where().startsWith("forward, transformer.h.0.ln_1: aten::native_layer_norm at model.py:17"), d.where());
        assertTrue(d.where().contains("inputs identical, argument eps 1e-05 vs 1e-06, output differs"), d.where());
    }

    @Test
    void geluTanhIsTheMlpsGelu() throws Exception {
        Diagnosis d = locate("gelu");
        assertTrue(d.where().startsWith("forward, transformer.h.0.mlp.gelu: aten::gelu at model.py:53 (x = self.gelu(x)):"
                + " inputs identical, argument approximate \"none\" vs \"tanh\", output differs"), d.where());
    }

    @Test
    void anInsertedOpThatMovesNoNumberIsNoDifference() throws Exception {
        Diagnosis d = locate("times_one");
        assertEquals(Diagnosis.Status.NO_DIFFERENCE, d.status(), d.where());
        assertTrue(d.where().matches("no difference in the traced steps 1-2: every traced op is bitwise identical \\(\\d+ ops only one side"
                + " has, moving no number\\)"), d.where());
    }

    @Test
    void anInsertedOpThatMovesNumbersIsNamedAndTheRestStaysAligned() throws Exception {
        Diagnosis d = locate("times_two");
        assertTrue(d.where().startsWith("forward, transformer.h.0: aten::mul.Tensor at model.py:67 (x = x * 2.0): only in test;"
                + " its output feeds aten::native_layer_norm"), d.where());
        assertTrue(d.where().contains(", 1 op only one side has (aten::mul.Tensor only in test at model.py:67"), d.where());
        // Aligned past the insertion: the ops after it pair up again (the same ops on both sides, the values differing).
        long after = d.modules().stream().dropWhile(m -> !m.first()).skip(1).filter(m -> m.name().startsWith("#") && m.onlyIn() == null)
                .count();
        assertEquals(5, after, d.modules().toString());
    }

    @Test
    void aChangedDataPipelineIsTheInputsAtStepOne() throws Exception {
        Diagnosis d = locate("data");
        assertEquals(Stage.INPUTS, d.stage(), d.where());
        assertTrue(d.where().startsWith("inputs differ at step 1: arg0 ("), d.where());
    }

    @Test
    void adamWsBetasAreTheOptimizerStep() throws Exception {
        Diagnosis d = locate("betas");
        assertEquals(Stage.OPTIMIZER, d.stage(), d.where());
        assertTrue(d.where().startsWith("optimizer step 1: gradients identical, parameters differ: aten::"), d.where());
        // AdamW's second moment, exp_avg_sq.mul_(beta2).addcmul_(grad, grad, value=1 - beta2): zero at step 1, so the
        // first output to differ is the addcmul_ with 1 - beta2.
        assertTrue(d.where().contains(": aten::addcmul_ at train.py:87 (optimizer.step()): inputs identical, argument value 0.05"),
                d.where());
    }

    @Test
    void aChangedInitializationIsTheInitialWeights() throws Exception {
        Diagnosis d = locate("init");
        assertEquals(Stage.INITIAL_WEIGHTS, d.stage(), d.where());
        assertTrue(d.where().startsWith("initial weights differ: "), d.where());
        assertTrue(d.where().contains("transformer.wte.weight") || d.where().contains("lm_head.weight"), d.where());
    }

    @Test
    void aBaselineThatIsNotBitwiseIsJudgedAgainstItsRunToRunNoise() throws Exception {
        OpTrace first = trace("noisy_1"), second = trace("noisy_2");
        assertTrue(!RunToRunNoise.bitwise(first, second), "two runs of the perturbed baseline differ");
        OpTrace test = trace("noisy_scale");

        Diagnosis d = OpLocator.locate(first, second, test, 1);
        assertTrue(d.where().startsWith("forward, transformer.h.0.attn: aten::mul.Tensor at model.py:37 (att = (q @ k.transpose(-2, -1))"
                + " * (1.0 / k.size(-1))): output beyond its run-to-run noise (rel "), d.where());
        assertTrue(d.where().endsWith("before it identical or within their run-to-run noise [the baseline's two traced runs differ:"
                + " ops judged against their run-to-run noise, margin 10×]"), d.where());
        // The exact rule on the same traces stops at the perturbation itself, long before the change.
        Diagnosis exact = OpLocator.locate(first, test, 1);
        assertTrue(exact.where().startsWith("forward, the model: aten::mul.Tensor at model.py:104 (x = x * (1 + int(os.environ['RUN_SEED'])"
                + " * 1e-6)): inputs identical, argument other "), exact.where());
        // Another perturbed run of the same revision: within noise.
        OpTrace third = trace("noisy_3");
        Diagnosis same = OpLocator.locate(first, second, third, 1);
        assertEquals(Diagnosis.Status.NO_DIFFERENCE, same.status(), same.where());
    }

    /**
     * On the GPU-like trainer the noise enters after the backward pass: a mask and a sign drawn from a generator seeded
     * per run, applied to each gradient. The draws differ from run to run by construction and are never the location
     * (they were, judged against their own pair: aten::rand, and the envelope they set hid a doubled learning rate);
     * the gradient they scale moves its L2 norm by less than an ulp, so a pair of runs that happened to agree closely
     * there must not make a third run's ulp a location (it was, before the noise's floor of one ulp). A doubled
     * learning rate is the optimizer step beyond that noise.
     */
    @Test
    void theGpuLikeTrainersReductionNoiseIsNeverTheLocation() throws Exception {
        List<OpTrace> runs = new java.util.ArrayList<>();
        for (int i = 0; i < REDUCTION_SEEDS.size(); i++) runs.add(trace("reduction_" + i));
        assertTrue(!RunToRunNoise.bitwise(runs.get(0), runs.get(1)), "two seeds' runs differ");
        List<Diagnosis> same = List.of(OpLocator.locate(runs.get(0), runs.get(1), runs.get(2), 1),
                OpLocator.locate(runs.get(2), runs.get(3), runs.get(4), 1));
        Diagnosis lr = OpLocator.locate(runs.get(0), runs.get(1), trace("reduction_lr"), 1);
        assertEquals(List.of(Diagnosis.Status.NO_DIFFERENCE, Diagnosis.Status.NO_DIFFERENCE, Diagnosis.Status.LOCATED),
                List.of(same.get(0).status(), same.get(1).status(), lr.status()),
                same.get(0).where() + "\n" + same.get(1).where() + "\n" + lr.where());
        for (Diagnosis d : same) {
            assertTrue(d.where().matches("no difference in the traced steps 1-1: every traced op is within its run-to-run noise \\[the"
                    + " baseline's two traced runs differ: ops judged against their run-to-run noise, margin 10×; \\d+ ops computed from"
                    + " generators alone that differ run to run, the noise itself, not judged\\]"), d.where());
        }
        assertEquals(Stage.OPTIMIZER, lr.stage(), lr.where());
        assertTrue(lr.where().matches("optimizer step 1: gradients within their run-to-run noise, parameters differ: aten::mul_.Tensor at"
                + " train.py:149 \\(opt.step\\(\\)\\): output beyond its run-to-run noise \\(rel [0-9.e-]+, L2 norm [0-9.]+ vs [0-9.]+;"
                + " [0-9.e+]+× the baseline's largest run-to-run difference so far, [0-9.e-]+\\); the \\d+ ops of step 1 before it identical"
                + " or within their run-to-run noise \\[.*"), lr.where());
    }

    @Test
    void anOpTheTracerCouldNotDigestIsSkippedAndNamed() throws Exception {
        // The tracer's own failure on an op (its summary has digest null and the error, as for a meta tensor) on
        // both sides: that op is not compared, the location is still the changed op and says what it could not see.
        OpTrace test = trace("scale");
        Diagnosis d = OpLocator.locate(withoutDigest(baseline), withoutDigest(test), 2);
        assertTrue(d.where().startsWith("forward, transformer.h.0.attn: aten::mul.Tensor at model.py:36"), d.where());
        assertTrue(d.where().endsWith(" (1 op could not be compared: aten::add.Tensor at model.py:102 (x = tok_emb + pos_emb):"
                + " not traced (RuntimeError: no bytes))"), d.where());
    }

    @Test
    void aTorchCompileRegionIsNamedAndWhatItHidSaid() throws Exception {
        // The attention compiled with torch.compile (torch 2.x; 1.13 has none), as the tracer writes it, on the
        // real traces: first run eagerly under the tracer (its ops traced), then compiled and unseen (its ops absent).
        OpTrace test = trace("scale");
        Diagnosis eager = OpLocator.locate(compiled(baseline, true), compiled(test, true), 2);
        assertTrue(eager.where().startsWith("forward, transformer.h.0.attn: aten::mul.Tensor at model.py:36"), eager.where());
        assertTrue(eager.where().endsWith(" [torch.compile: transformer.h.0.attn (train.py:61) ran eagerly under the tracer (dynamo"
                + " compiles nothing while it traces): eager PyTorch's numbers, not the compiled code's]"), eager.where());

        Diagnosis unseen = OpLocator.locate(compiled(baseline, false), compiled(test, false), 2);
        assertTrue(unseen.where().startsWith("forward, transformer.h.0: aten::add.Tensor at model.py:67 (x = x + self.attn(self.ln_1(x))):"
                + " input other differs (from the torch.compile region transformer.h.0.attn, whose inside was not traced), output"
                + " differs (rel "), unseen.where());
        assertTrue(unseen.where().endsWith(" [torch.compile: transformer.h.0.attn (train.py:61) ran compiled: its inside not traced]"),
                unseen.where());
    }

    /**
     * The trace as the tracer writes it when block 0's attention is a torch.compile region: a "compiled" event after
     * each of its forward calls; {@code seen} false: its ops missing and their outputs read as coming from the region.
     */
    private static OpTrace compiled(OpTrace t, boolean seen) {
        String region = "transformer.h.0.attn";
        java.util.Set<String> hidden = new java.util.HashSet<>();
        List<TraceEvent> events = new java.util.ArrayList<>();
        Integer first = null;
        int ops = 0;
        for (TraceEvent e : t.events()) {
            boolean inside = e.event().equals("op") && "forward".equals(e.text("phase")) && e.text("module") != null
                    && e.text("module").startsWith(region);
            if (inside) {
                if (first == null) first = e.line().path("index").asInt();
                ops++;
                if (!seen) {
                    hidden.add("op:" + e.step() + ":" + e.line().path("index").asInt());
                    continue;
                }
            } else if (first != null) {
                var c = new com.fasterxml.jackson.databind.ObjectMapper().createObjectNode().put("event", "compiled").put("step", e.step())
                        .put("name", region).put("frame", "train.py:61").put("code", "model.transformer.h[0].attn = torch.compile(model.transformer.h[0].attn)")
                        .put("first_op", first).put("ops", seen ? ops : 0);
                events.add(TraceEvent.of(c));
                first = null;
                ops = 0;
            }
            if (!seen && e.event().equals("op")) {
                var line = e.line().deepCopy();
                for (var in : line.get("inputs")) {
                    if (hidden.contains(in.path("from").asText())) ((com.fasterxml.jackson.databind.node.ObjectNode) in).put("from", "compiled:" + region);
                }
                e = TraceEvent.of(line);
            }
            events.add(e);
        }
        return new OpTrace(t.rank(), t.header(), events, t.complete());
    }

    /** The trace with the first forward add's output unreadable, as the tracer writes an output it cannot digest. */
    private static OpTrace withoutDigest(OpTrace t) {
        List<TraceEvent> events = new java.util.ArrayList<>();
        boolean done = false;
        for (TraceEvent e : t.events()) {
            if (!done && e.event().equals("op") && "aten::add.Tensor".equals(e.text("op")) && "forward".equals(e.text("phase"))) {
                var line = e.line().deepCopy();
                var out = (com.fasterxml.jackson.databind.node.ObjectNode) line.get("outputs").get(0);
                out.putNull("digest");
                out.put("error", "RuntimeError: no bytes");
                e = TraceEvent.of(line);
                done = true;
            }
            events.add(e);
        }
        assertTrue(done);
        return new OpTrace(t.rank(), t.header(), events, t.complete());
    }

    private static Diagnosis locate(String name) throws Exception {
        OpTrace test = trace(name);
        return OpLocator.locate(baseline, test, 2);
    }

    /** The fixture (with edits: file -> {old, new, old, new, ...}) trained for two steps with the tracer on; rank 0's trace. */
    /** {@code runSeed}: the RUN_SEED a perturbed fixture reads. */
    private static OpTrace trace(String name, Map<String, String[]> edits, String runSeed) throws Exception {
        Path dir = tmp.resolve(name);
        copy(FIXTURE, dir);
        copy(NANOGPT.resolve("config"), dir.resolve("config"));
        Files.copy(NANOGPT.resolve("prepare.py"), dir.resolve("prepare.py"));
        for (var e : edits.entrySet()) {
            Path file = dir.resolve(e.getKey());
            String source = Files.readString(file);
            for (int i = 0; i < e.getValue().length; i += 2) {
                assertTrue(source.contains(e.getValue()[i]), e.getValue()[i]);
                source = source.replace(e.getValue()[i], e.getValue()[i + 1]);
            }
            Files.writeString(file, source);
        }
        assertEquals(0, run(List.of(PYTHON.toString(), "prepare.py"), dir, Map.of()));
        int exit = run(List.of(PYTHON.toString(), "train.py", "config/train_tiny.py", "--max_iters=2"), dir,
                Map.of("PYTHONPATH", TRACER.toString(), "LOSS_COMPARE_TRACE_DIR", dir.resolve("trace").toString(),
                        "LOSS_COMPARE_TRACE_STEPS", "1-2", "RUN_SEED", runSeed));
        assertEquals(0, exit, Files.readString(dir.resolve("out.log")));
        OpTrace t = OpTrace.ranks(Trace.read(dir.resolve("trace/rank0.trace.jsonl"))).get(0);
        assertTrue(t.complete());
        return t;
    }

    /** The GPU-like trainer, one step traced, its reduction noise drawn from {@code seed}; rank 0's trace. */
    private static OpTrace tinyGpt(String name, String config, String seed) throws Exception {
        Path dir = Files.createDirectories(tmp.resolve(name));
        Files.copy(TINY_GPT, dir.resolve("train.py"));
        Files.writeString(dir.resolve("config.toml"), config);
        int exit = run(List.of(PYTHON.toString(), "train.py", "--config=config.toml", "--steps=1"), dir, Map.of("PYTHONPATH",
                TRACER.toString(), "LOSS_COMPARE_TRACE_DIR", dir.resolve("trace").toString(), "LOSS_COMPARE_TRACE_STEPS", "1",
                "TINY_GPT_REDUCTION_SEED", seed));
        assertEquals(0, exit, Files.readString(dir.resolve("out.log")));
        OpTrace t = OpTrace.ranks(Trace.read(dir.resolve("trace/rank0.trace.jsonl"))).get(0);
        assertTrue(t.complete());
        return t;
    }

    private static int run(List<String> command, Path dir, Map<String, String> env) throws IOException, InterruptedException {
        Files.createDirectories(dir);
        ProcessBuilder pb = new ProcessBuilder(command).directory(dir.toFile()).redirectErrorStream(true)
                .redirectOutput(dir.resolve("out.log").toFile());
        pb.environment().putAll(env);
        Process p = pb.start();
        if (!p.waitFor(5, TimeUnit.MINUTES)) {
            p.destroyForcibly();
            return -1;
        }
        return p.exitValue();
    }

    private static void copy(Path from, Path to) throws IOException {
        try (Stream<Path> files = Files.walk(from)) {
            for (Path f : (Iterable<Path>) files::iterator) {
                Path target = to.resolve(from.relativize(f).toString());
                if (Files.isDirectory(f)) Files.createDirectories(target);
                else Files.copy(f, target);
            }
        }
    }
}
