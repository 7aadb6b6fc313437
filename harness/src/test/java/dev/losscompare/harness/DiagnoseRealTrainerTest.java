package dev.losscompare.harness;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.losscompare.core.result.CaseResult;
import dev.losscompare.core.result.ComparisonJson;
import dev.losscompare.core.result.Diagnosis;
import dev.losscompare.core.result.Diagnosis.MaskDiff;
import dev.losscompare.core.result.Diagnosis.ModuleDiff;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Diagnosis with the real trainer: this project copied into a temporary repository, then one
 * commit per test on a branch from it, each a known change written as a source or config edit,
 * compared with its parent at tiny shapes. The diagnosis must name the place the change is
 * (a layer's norm, llama4 iRoPE's chunked mask, the optimizer, the data, the initialization),
 * and nothing for a pure refactor.
 */
@Timeout(value = 30, unit = TimeUnit.MINUTES)
class DiagnoseRealTrainerTest extends ClonedProjectTest {
    private static final String MODEL = "trainer/src/main/java/dev/losscompare/trainer/model/";
    private static final String LLAMA3 = "llama3 debugmodel";

    @Override
    String cacheName() {
        return "diagnose-cache";
    }

    @Test
    void anRmsNormEpsChangeInLayerTwoIsLocatedAtItsAttentionNorm() throws Exception {
        change("eps", "rmsnorm eps 1e-3 in layer 2", MODEL + "TransformerBlock.java",
                "Ops.rmsNorm(x, attentionNorm, normEps)", "Ops.rmsNorm(x, attentionNorm, name.equals(\"layers.2\") ? 1e-3 : normEps)");
        HarnessRun r = run("eps", "HEAD~1", "HEAD", "--steps=2", TINY);
        assertEquals(1, r.exit(), r.toString());
        String line = r.line("FAIL " + LLAMA3 + ": loss differs from step 1");
        assertTrue(line.contains("; where: forward: layers.2.attention_norm output differs at step 1 (L2 norm "), line);
        assertTrue(line.endsWith("everything before it is bitwise identical"), line);

        Diagnosis d = r.only().diagnosis();
        assertEquals(Diagnosis.Status.LOCATED, d.status());
        assertEquals(Diagnosis.Stage.FORWARD, d.stage());
        assertEquals(1, d.step());
        assertEquals(1, d.tracedSteps());
        int first = indexOfFirst(d.modules());
        assertEquals("layers.2.attention_norm", d.modules().get(first).name());
        for (int i = 0; i < first; i++) assertTrue(d.modules().get(i).identical(), d.modules().get(i).name());
        ModuleDiff at = d.modules().get(first);
        assertFalse(at.identical());
        assertTrue(at.relNormDiff() > 0 && at.relNormDiff() < 1, "a small eps change moves the norm a little: " + at);
        assertEquals(Math.abs(at.testNorm() - at.baselineNorm()) / at.baselineNorm(), at.relNormDiff(), 1e-15);

        String html = Files.readString(r.folder().resolve("report.html"));
        assertTrue(html.contains("<h3>Where</h3>"), "report.html has a Where section");
        assertTrue(html.contains("<tr class=\"first\" data-module=\"layers.2.attention_norm\">"), "the first divergence is marked");
        assertTrue(Files.readString(r.folder().resolve("summary.md")).contains("where: forward: layers.2.attention_norm output differs"));
        assertTrue(Files.readString(r.folder().resolve("junit.xml")).contains("where: forward: layers.2.attention_norm output differs"));
        Path traces = r.folder().resolve("llama3_debugmodel/diagnose");
        assertTrue(Files.isRegularFile(traces.resolve("baseline.trace.jsonl")) && Files.isRegularFile(traces.resolve("test.trace.jsonl")));

        // The traces are cached under their runs' keys: a second diagnosis trains nothing new.
        HarnessRun again = run("eps-again", "HEAD~1", "HEAD", "--steps=2", TINY);
        assertTrue(again.out().contains("traces: baseline from cache, test from cache ("), again.toString());
        assertEquals(line, again.line("FAIL " + LLAMA3));

        HarnessRun off = run("eps-off", "HEAD~1", "HEAD", "--steps=2", TINY, "--no-diagnose");
        assertEquals(1, off.exit());
        assertFalse(off.line("FAIL " + LLAMA3).contains("where:"), off.toString());
        assertNull(off.only().diagnosis());
    }

    @Test
    void aChunkSizeOffByOneIsLlama4IropesChunkedMaskAndOnlyThatCase() throws Exception {
        change("chunk", "llama4 iRoPE: chunks of 31", MODEL + "llama4/Llama4Flavors.java", ".fixedAttnBlockSize(32)", ".fixedAttnBlockSize(31)");
        HarnessRun r = run("chunk", "HEAD~1", "HEAD", "--suite=configs/signoff.toml", "--cases=llama4,llama4_irope", "--steps=2", TINY);
        assertEquals(1, r.exit(), r.toString());
        assertTrue(r.line("PASS llama4 (llama4 debugmodel)").endsWith("identical over 2 steps"), r.toString());
        String line = r.line("FAIL llama4_irope (llama4 debugmodel_irope): loss differs from step 1");
        assertTrue(line.contains("; where: attention mask 'chunked' differs at step 1 (first used by layers.1.attention): "), line);

        var cases = ComparisonJson.read(r.folder().resolve("comparison.json")).cases();
        assertNull(cases.get(0).diagnosis(), "a passing case is not diagnosed");
        Diagnosis d = cases.get(1).diagnosis();
        assertEquals(Diagnosis.Stage.MASK, d.stage());
        MaskDiff document = d.masks().get(0), chunked = d.masks().get(1);
        assertEquals("document", document.kind());
        assertTrue(document.identical());
        assertEquals("chunked", chunked.kind());
        assertFalse(chunked.identical());
        assertEquals(List.of(2L, 1L, 32L, 32L), chunked.shape());
        assertEquals(2L * 32 * 32, chunked.entries());
        // Chunks of 31 split the 32-token window (32 is one chunk): the test allows fewer pairs.
        assertTrue(chunked.testTrueCount() < chunked.baselineTrueCount(), chunked.toString());
        assertTrue(line.contains("at least " + (chunked.baselineTrueCount() - chunked.testTrueCount()) + " of 2048 entries"), line);
        // The NoPE layer 0 uses the document mask and stays identical; layer 1's attention does not.
        assertTrue(d.modules().stream().filter(m -> m.name().startsWith("layers.0.")).allMatch(ModuleDiff::identical));
        assertFalse(d.modules().stream().filter(m -> m.name().equals("layers.1.attention")).findFirst().orElseThrow().identical());
        assertTrue(Files.readString(r.folder().resolve("report.html")).contains("<tr class=\"first\" data-mask=\"chunked\">"));
    }

    @Test
    void anAdamWEpsChangeIsTheOptimizer() throws Exception {
        change("adamw", "AdamW eps 1e-4", "configs/llama3_debug.toml", "eps = 1e-8", "eps = 1e-4");
        HarnessRun r = run("adamw", "HEAD~1", "HEAD", "--steps=2", TINY);
        assertEquals(1, r.exit(), r.toString());
        String line = r.line("FAIL " + LLAMA3 + ": loss differs from step 2");
        assertTrue(line.contains("; where: optimizer: gradients identical, parameters differ after step 1 (lr "), line);
        assertTrue(line.contains(" on both sides; "), "the lr is the same on both sides: " + line);
        Diagnosis d = r.only().diagnosis();
        assertEquals(Diagnosis.Stage.OPTIMIZER, d.stage());
        assertEquals(2, d.tracedSteps());
        assertTrue(d.modules().stream().allMatch(ModuleDiff::identical), "step 1's forward pass is identical");
    }

    @Test
    void aDataPipelineChangeIsTheInputs() throws Exception {
        change("data", "corpus: another determiner", "trainer/src/main/java/dev/losscompare/trainer/data/SyntheticCorpus.java",
                "{\"the\", \"a\",", "{\"teh\", \"a\",");
        HarnessRun r = run("data", "HEAD~1", "HEAD", "--steps=2", TINY);
        assertEquals(1, r.exit(), r.toString());
        String line = r.line("FAIL " + LLAMA3);
        assertTrue(line.contains("; where: inputs differ at step 1: tokens, labels (the data pipeline, not the model)"), line);
        assertEquals(Diagnosis.Stage.INPUTS, r.only().diagnosis().stage());
    }

    @Test
    void anInitStdChangeIsANoteOnAPassingCase() throws Exception {
        change("init", "feed-forward w1 init std 0.025", MODEL + "FeedForward.java", "Init.truncNormal(w1, 0.02);",
                "Init.truncNormal(w1, 0.025);");
        HarnessRun r = run("init", "HEAD~1", "HEAD", "--steps=2", TINY);
        assertEquals(0, r.exit(), r.toString());
        r.line("PASS " + LLAMA3 + ": loss, grad_norm identical over 2 steps");
        // the test run wrote its own initialization on the way (--checkpoint.own_init_path): no seed-checkpoint run for it
        assertTrue(r.out().contains("checking the initialization of test HEAD (its own seed checkpoint against the one the runs loaded):"
                + " from cache"), r.toString());
        String note = r.line("note for " + LLAMA3 + ": initialization differs: test HEAD initializes otherwise than the seed checkpoint");
        assertTrue(note.contains(": 6 tensors differ (layers.0.feed_forward.w1.weight, layers.1.feed_forward.w1.weight,"), note);
        CaseResult c = r.only();
        assertNull(c.diagnosis());
        assertTrue(c.note().contains("layers.5.feed_forward.w1.weight") || c.note().contains("1 more"), c.note());
        assertFalse(c.note().contains("w2"), "only w1 changed: " + c.note());
    }

    @Test
    void aPureRefactorHasNoDiagnosisAndNoNoteUnlessForced() throws Exception {
        git.checkout().setCreateBranch(true).setName("refactor").setStartPoint("main").call();
        Path trainer = repoDir.resolve("trainer/src/main/java/dev/losscompare/trainer/train/Trainer.java");
        String source = Files.readString(trainer);
        String renamed = source.replaceAll("\\bseconds\\b", "stepSeconds");
        assertNotEquals(source, renamed, "the refactor must change the trainer's source");
        Files.writeString(trainer, renamed);
        commit("rename a local variable");
        HarnessRun r = run("refactor", "HEAD~1", "HEAD", "--steps=2", TINY);
        assertEquals(0, r.exit(), r.toString());
        assertFalse(r.out().contains("where:") || r.out().contains("note for") || r.out().contains("diagnosing"), r.toString());
        assertNull(r.only().diagnosis());
        assertNull(r.only().note());
        assertFalse(Files.readString(r.folder().resolve("report.html")).contains("<h3>Where</h3>"));

        HarnessRun forced = run("refactor-forced", "HEAD~1", "HEAD", "--steps=2", TINY, "--diagnose");
        assertEquals(0, forced.exit(), forced.toString());
        String line = forced.line("PASS " + LLAMA3);
        assertTrue(line.endsWith("; where: no difference in the traced steps 1-2: every traced event is bitwise identical"), line);
        assertEquals(Diagnosis.Status.NO_DIFFERENCE, forced.only().diagnosis().status());
    }

    @Test
    void aTrainerThatRejectsTheTraceKeysGetsAVerdictWithoutALocation() throws Exception {
        git.checkout().setCreateBranch(true).setName("old-trainer").setStartPoint("main").call();
        edit("trainer/src/main/java/dev/losscompare/trainer/config/ConfigValidator.java", "        if (steps.isEmpty()) return;\n",
                "        if (!steps.isEmpty()) throw new ConfigException(\"unknown key 'debug.trace_steps' (valid keys in [debug]: seed)\");\n"
                        + "        if (steps.isEmpty()) return;\n");
        edit("configs/llama3_debug.toml", "lr = 8e-4", "lr = 2e-3");
        commit("a trainer without traces, and a higher learning rate");
        HarnessRun r = run("old", "HEAD~1", "HEAD", "--steps=2", TINY);
        assertEquals(1, r.exit(), r.toString());
        String line = r.line("FAIL " + LLAMA3 + ": loss differs from step 2");
        assertFalse(line.contains("where:"), line);
        r.line("no location for " + LLAMA3 + ": the test revision's trainer does not write traces (it rejects --debug.trace_steps: "
                + "error: unknown key 'debug.trace_steps'");
        Diagnosis d = r.only().diagnosis();
        assertEquals(Diagnosis.Status.UNAVAILABLE, d.status());
        assertNull(d.where());
        assertNotNull(d.reason());
    }

    // ---- helpers --------------------------------------------------------------------------

    private static int indexOfFirst(List<ModuleDiff> modules) {
        for (int i = 0; i < modules.size(); i++) if (modules.get(i).first()) return i;
        throw new AssertionError("no module is marked as the first divergence: " + modules);
    }

    /** A branch from main with one commit that replaces {@code from} by {@code to} in one file. */
    private void change(String branch, String message, String path, String from, String to) throws Exception {
        ProjectFiles.branch(git, branch);
        edit(path, from, to);
        commit(message);
    }

    private void edit(String path, String from, String to) throws Exception {
        ProjectFiles.edit(repoDir, path, from, to);
    }

    private void commit(String message) throws Exception {
        ProjectFiles.commit(git, message);
    }
}
