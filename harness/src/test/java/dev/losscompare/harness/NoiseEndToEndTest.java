package dev.losscompare.harness;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.losscompare.core.judge.NoiseMargin;
import dev.losscompare.core.noise.NoiseEnvelope;
import dev.losscompare.core.noise.NoiseEnvelopeFile;
import dev.losscompare.core.result.CaseResult;
import dev.losscompare.core.result.Verdict;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.eclipse.jgit.api.Git;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * calibrate then --noise, end to end on the real trainer at tiny shapes: K=2 perturbed runs make
 * the envelope and 2 held-out runs its margin; a compare of a revision with itself is identical, a
 * perturbed run (one of the calibration's, judged with diff) is within noise but not bitwise and
 * says what it could have missed in every output, an lr change differs.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@Timeout(value = 10, unit = TimeUnit.MINUTES)
class NoiseEndToEndTest {
    private static final String TINY = "--train-options=--training.seq_len=64 --training.local_batch_size=2";
    private static final String CASE = "llama3_debugmodel";
    private static final Path CACHE = Path.of("target", "e2e-cache").toAbsolutePath();

    @TempDir
    static Path tmp;
    Path repoDir;
    Git git;
    Path envelopes;

    @BeforeAll
    void calibrate() throws Exception {
        repoDir = tmp.resolve("clone");
        git = ProjectFiles.cloneInto(repoDir);
        envelopes = tmp.resolve("calibrated");
        // README's tour, writing here instead of my-noise
        String[] calibrate = DocCommands.replacing(DocCommands.readme("calibrate HEAD --runs=2 --held-out=2 --steps=3 " + TINY), "--output-folder=my-noise", null);
        HarnessRun r = HarnessRun.in(repoDir, CACHE, envelopes, calibrate);
        assertEquals(0, r.exit(), r.toString());
        NoiseEnvelope e = NoiseEnvelopeFile.read(envelopes.resolve(CASE + ".json"));
        // held out: seeds 501 and 502, never the band's 1 and 2
        assertEquals(2, e.heldOut().runs(), r.toString());
        assertTrue(e.heldOut().perturbations().get(0).contains("(seed 501)"), e.heldOut().perturbations().toString());
        assertTrue(e.calibration().perturbations().stream().noneMatch(p -> p.contains("(seed 50")), e.calibration().toString());
        assertEquals(List.of("grad_norm", "loss"), List.copyOf(e.heldOut().multiples().keySet()));
        assertTrue(e.heldOut().multiples().values().stream().allMatch(m -> m.size() == 2), e.heldOut().toString());
        assertEquals(Math.max(NoiseMargin.FLOOR, NoiseMargin.HEADROOM * e.heldOut().largest()), e.margin().value());
        assertTrue(r.out().contains("2 held-out runs, largest ") && r.out().contains("; " + e.margin().describe() + ")"), r.toString());
    }

    @AfterAll
    void close() {
        if (git != null) git.close();
    }

    @Test
    void theSameRevisionIsIdentical() throws Exception {
        HarnessRun r = HarnessRun.in(repoDir, CACHE, tmp.resolve("same"), "HEAD", "HEAD", "--steps=3", TINY, "--noise=" + envelopes);
        assertEquals(0, r.exit(), r.toString());
        assertTrue(r.out().contains("PASS llama3 debugmodel: loss, grad_norm identical over 3 steps"), r.toString());
        assertTrue(r.only().mode().isNoise(), "judged against the envelope, not bitwise\n" + r);
    }

    @Test
    void aPerturbedRunIsWithinNoiseWhereBitwiseSaysItDiffers() throws Exception {
        Path runs = envelopes.resolve(CASE);
        Path reference = runs.resolve("reference.jsonl");
        Path perturbed = runs.resolve("run1.jsonl");
        HarnessRun bitwise = HarnessRun.in(repoDir, CACHE, tmp.resolve("diff-bitwise"), "diff", reference.toString(), perturbed.toString());
        assertEquals(1, bitwise.exit(), "the perturbation must move the bits\n" + bitwise);

        HarnessRun r = HarnessRun.in(repoDir, CACHE, tmp.resolve("diff-noise"), "diff", reference.toString(), perturbed.toString(),
                "--noise=" + envelopes);
        assertEquals(0, r.exit(), r.toString());
        CaseResult c = r.only();
        assertEquals(Verdict.PASS, c.verdict());
        assertTrue(r.out().contains("within noise ("), r.toString());
        assertNotEquals(null, c.metrics().get(0).noiseMultiple(), r.toString());
        // the margin named with its source, and what a PASS within noise could have missed, in every output
        String margin = NoiseEnvelopeFile.read(envelopes.resolve(CASE + ".json")).margin().describe();
        String missed = c.undetectableText();
        assertTrue(missed.startsWith("at step 3 a change below "), missed);
        assertTrue(r.out().contains("over 3 steps; " + missed) && r.out().contains("[within noise (" + margin + ", envelope "), r.toString());
        String html = Files.readString(r.folder().resolve("report.html"));
        assertTrue(html.contains("Could have missed: " + missed), html);
        assertTrue(Files.readString(r.folder().resolve("summary.md")).contains("within noise: " + missed), "summary.md");
        String junit = Files.readString(r.folder().resolve("junit.xml"));
        assertTrue(junit.contains("<property name=\"noise.could_have_missed\" value=\"a change below ")
                && junit.contains("<property name=\"noise.at_step\" value=\"3\"/>"), junit);
    }

    @Test
    void anLrChangeDiffersInUnitsOfTheNoise() throws Exception {
        git.checkout().setCreateBranch(true).setName("lr").setStartPoint("main").call();
        Path config = repoDir.resolve("configs/llama3_debug.toml");
        String text = Files.readString(config);
        String changed = text.replaceFirst("(?m)^lr = .*$", "lr = 2e-3");
        assertNotEquals(text, changed, "the config has an optimizer lr line");
        Files.writeString(config, changed);
        ProjectFiles.commit(git, "raise the learning rate");

        String[] tour = DocCommands.replacing(DocCommands.readme("HEAD~1 HEAD --steps=3 " + TINY + " --noise=my-noise"),
                "--noise=my-noise", "--noise=" + envelopes);   // README's tour
        HarnessRun r = HarnessRun.in(repoDir, CACHE, tmp.resolve("lr"), tour);
        assertEquals(1, r.exit(), r.toString());
        assertTrue(r.out().matches("(?s).*FAIL llama3 debugmodel: loss differs from step 2: [0-9.e+]+\u00d7 the measured noise.*"), r.toString());
        assertEquals(Verdict.FAIL, r.only().verdict());
        assertEquals(2, r.only().metrics().get(0).firstDivergentStep());
    }
}
