package dev.losscompare.core.noise;

import dev.losscompare.core.text.FlagWords;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.losscompare.core.judge.CaseJudge;
import dev.losscompare.core.judge.CaseJudge.CaseId;
import dev.losscompare.core.judge.CaseJudge.CaseMode;
import dev.losscompare.core.judge.ComparisonMode;
import dev.losscompare.core.judge.Judgement;
import dev.losscompare.core.judge.NoiseBand;
import dev.losscompare.core.judge.NoiseMargin;
import dev.losscompare.core.judge.Numbers;
import dev.losscompare.core.judge.Undetectable;
import dev.losscompare.core.judge.SideResult;
import dev.losscompare.core.result.Comparison;
import dev.losscompare.core.result.ComparisonJson;
import dev.losscompare.core.result.MetricResult;
import dev.losscompare.core.result.Revision;
import dev.losscompare.core.result.TrainerRepeats;
import dev.losscompare.core.result.Verdict;
import dev.losscompare.core.series.MetricsFile;
import dev.losscompare.core.series.RunSeries;
import dev.losscompare.core.series.StepRecord;
import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Noise envelopes and the noise mode on real series: llama3 debugmodel, 8 steps at seq_len 64,
 * batch 2, from one seed checkpoint, written by this repository's trainer (portable kernels,
 * 1 thread, 1 rank: the reference) and under three benign perturbations (2 threads, the native
 * kernels, 2 ranks on the same global batch), plus a real change (lr 8e-4 -> 8.1e-4).
 */
class NoiseJudgeTest {
    private static final List<String> METRICS = List.of("loss", "grad_norm");
    private static final CaseId LLAMA3 = new CaseId("llama3", "llama3", "debugmodel", "configs/llama3_debug.toml");

    private static RunSeries real(String name) {
        try {
            return MetricsFile.read(Path.of(NoiseJudgeTest.class.getResource("/noise/llama3_" + name + ".jsonl").toURI()));
        } catch (URISyntaxException e) {
            throw new IllegalStateException(e);
        }
    }

    private static NoiseEnvelope envelope(RunSeries reference, List<RunSeries> runs, int steps) {
        var bands = EnvelopeBuilder.bands(reference, runs, METRICS, steps, names(runs.size()));
        return new NoiseEnvelope(NoiseEnvelope.FORMAT_VERSION, "llama3",
                new NoiseEnvelope.Settings("configs/llama3_debug.toml", List.of("--training.seq_len=64"), 42, steps, 1),
                new NoiseEnvelope.Calibration("HEAD", "57d4908c05b37033ff3b7e1211f2146dc9b58abf", "unperturbed", runs.size(),
                        List.of("threads=2", "kernels=native")),
                Map.of("kernels", "portable"), bands.bands(), bands.floor());
    }

    private static List<String> names(int runs) {
        List<String> n = new ArrayList<>(List.of("reference"));
        for (int i = 1; i <= runs; i++) n.add("run " + i);
        return n;
    }

    private static Judgement judge(RunSeries baseline, RunSeries test, ComparisonMode mode, int steps) {
        return CaseJudge.judge(LLAMA3, new SideResult(CaseJudge.notRun("baseline"), baseline),
                new SideResult(CaseJudge.notRun("test"), test), METRICS, CaseMode.requested(mode), steps, steps);
    }

    private static Double band(NoiseEnvelope e, String metric, int step) {
        return e.toBand("e", null).band(metric, step);
    }

    private static ComparisonMode noise(NoiseEnvelope e) {
        return ComparisonMode.noise(e.toBand("configs/noise/llama3.json", null));
    }

    @Test
    void theBandIsTheLargestDistanceOfAnyRunFromTheReferenceFlooredAtOneFloatUlpOnceTheRunsParted() {
        RunSeries ref = real("reference");
        List<RunSeries> runs = List.of(real("threads2"), real("native"));
        NoiseEnvelope e = envelope(ref, runs, 8);
        // threads and kernels leave steps 1-2 bitwise; grad_norm first moves at step 3
        assertEquals(3, e.floor().fromStep());
        assertEquals(Map.of("grad_norm", "float32", "loss", "float32"), e.floor().precision());
        for (String m : METRICS) {
            for (int s = 1; s <= 8; s++) {
                double r = ref.steps().get(s - 1).value(m);
                double measured = Math.max(Math.abs(runs.get(0).steps().get(s - 1).value(m) - r),
                        Math.abs(runs.get(1).steps().get(s - 1).value(m) - r));
                double expected = s < 3 ? measured : Math.max(measured, Math.ulp((float) r));
                assertEquals(expected, band(e, m, s), m + " step " + s);
            }
        }
        assertEquals(0.0, band(e, "loss", 1));
        assertEquals(0.0, band(e, "grad_norm", 2));
        // loss at step 3 is bitwise in both runs, but the state has parted: one float32 ulp of 4.92
        assertEquals(Math.ulp(4.9194865226745605f), band(e, "loss", 3));
        assertTrue(band(e, "grad_norm", 3) > 0 && band(e, "grad_norm", 3) < 1e-6, "grad_norm step 3: " + band(e, "grad_norm", 3));
        assertNull(band(e, "loss", 9));
    }

    /** Runs that start from perturbed weights have parted before step 1: the floor holds from step 1 even where step 1 is bitwise. */
    @Test
    void runsFromPerturbedWeightsAreFlooredFromStepOne() {
        RunSeries ref = real("reference");
        List<RunSeries> runs = List.of(real("threads2"), real("native"));
        var fromTheStart = EnvelopeBuilder.bands(ref, runs, METRICS, 8, names(runs.size()), true);
        assertEquals(1, fromTheStart.floor().fromStep());
        assertEquals((double) Math.ulp((float) ref.steps().get(0).value("loss").doubleValue()), fromTheStart.bands().get("loss").get(0));
        var asMeasured = EnvelopeBuilder.bands(ref, runs, METRICS, 8, names(runs.size()));
        assertEquals(0.0, asMeasured.bands().get("loss").get(0), "without that knowledge, step 1 stays bitwise");
        for (int s = 2; s < 8; s++) assertEquals(asMeasured.bands().get("loss").get(s), fromTheStart.bands().get("loss").get(s));
    }

    @Test
    void aStepWhereNoPerturbationMovedTheValueMustBeBitwise() {
        // threads and kernels leave step 1's loss bitwise, 2 ranks do not: the band there is 0, so a difference fails
        NoiseEnvelope e = envelope(real("reference"), List.of(real("threads2"), real("native")), 8);
        Judgement ranks = judge(real("reference"), real("ranks2"), noise(e), 8);
        assertEquals(Verdict.FAIL, ranks.result().verdict(), ranks.verdictLine());
        assertTrue(ranks.verdictLine().contains("loss differs from step 1: the measured noise is 0 at that step, so it must be bitwise"),
                ranks.verdictLine());
        assertEquals(Double.POSITIVE_INFINITY, ranks.result().metrics().get(0).noiseMultipleAtDivergence());
    }

    @Test
    void twoRunsEachWithinTheBandOfTheReferenceAreWithinNoiseWhileBitwiseSaysTheyDiffer() {
        // |native - threads2| <= |native - ref| + |threads2 - ref| <= 2 bands: inside the default margin of 10
        NoiseEnvelope all = envelope(real("reference"), List.of(real("native"), real("ranks2"), real("threads2")), 8);
        Judgement j = judge(real("native"), real("threads2"), noise(all), 8);
        assertEquals(Verdict.PASS, j.result().verdict(), j.verdictLine());
        assertTrue(j.verdictLine().matches("PASS llama3 \\(llama3 debugmodel\\): loss, grad_norm within noise \\([0-9.]+\u00d7 the measured "
                + "noise\\) over 8 steps; at step 8 a change below [0-9.e-]+ in loss or [0-9.e-]+ in grad_norm would not show "
                + "\\[within noise \\(margin 10\u00d7 by default \\(the envelope has no held-out runs; recalibrate for a measured margin\\), "
                + "envelope configs/noise/llama3.json, calibrated on HEAD "
                + "\\(57d4908c05\\) with K=3 runs \\(threads=2, kernels=native\\)\\)\\]"), j.verdictLine());
        for (MetricResult m : j.result().metrics()) {
            assertTrue(m.noiseMultiple() > 0 && m.noiseMultiple() <= 2, m.metric() + " multiple " + m.noiseMultiple());
        }
        assertEquals(Verdict.FAIL, judge(real("native"), real("threads2"), ComparisonMode.bitwise(), 8).result().verdict());
    }

    @Test
    void aRealChangeFailsAndSaysHowManyBandsOutside() {
        NoiseEnvelope e = envelope(real("reference"), List.of(real("native"), real("ranks2"), real("threads2")), 8);
        Judgement j = judge(real("reference"), real("lr"), noise(e), 8);
        assertEquals(Verdict.FAIL, j.result().verdict());
        MetricResult loss = j.result().metrics().get(0);
        assertEquals(2, loss.firstDivergentStep());     // lr moves nothing before the first update
        double band = band(e, "loss", 2);
        double expected = Math.abs(real("lr").steps().get(1).value("loss") - real("reference").steps().get(1).value("loss")) / band;
        assertEquals(expected, loss.noiseMultipleAtDivergence(), 1e-9 * expected);
        assertTrue(expected > 1000, "an lr change is thousands of bands outside: " + expected);
        assertTrue(j.verdictLine().contains("loss differs from step 2: "), j.verdictLine());
        assertTrue(j.verdictLine().contains("\u00d7 the measured noise"), j.verdictLine());
    }

    @Test
    void identicalSeriesAreIdenticalInNoiseMode() {
        NoiseEnvelope e = envelope(real("reference"), List.of(real("native"), real("ranks2")), 8);
        Judgement j = judge(real("reference"), real("reference"), noise(e), 8);
        assertEquals(Verdict.PASS, j.result().verdict());
        assertTrue(j.verdictLine().startsWith("PASS llama3 (llama3 debugmodel): loss, grad_norm identical over 8 steps [within noise"),
                j.verdictLine());
        assertEquals(0.0, j.result().metrics().get(0).noiseMultiple());
        // nothing moved, so nothing is said about what a move could hide
        assertNull(j.result().metrics().get(0).undetectable());
        assertNull(j.result().undetectableText());
    }

    /** The reference, two calibration runs, and threads2 held out: how far threads2 lands, in bands, per metric. */
    private static NoiseEnvelope withHeldOut(RunSeries heldOutRun) {
        RunSeries ref = real("reference");
        var bands = EnvelopeBuilder.bands(ref, List.of(real("native"), real("ranks2")), METRICS, 8, names(2), true);
        NoiseEnvelope.HeldOut held = EnvelopeBuilder.heldOut(ref, List.of(heldOutRun), bands.bands(), 8, List.of("held-out 1"),
                List.of("threads=2"));
        NoiseEnvelope e = envelope(ref, List.of(real("native"), real("ranks2")), 8);
        return new NoiseEnvelope(e.formatVersion(), e.caseName(), e.settings(), e.calibration(), e.environment(), bands.bands(),
                bands.floor(), held);
    }

    @Test
    void aHeldOutRunRecordsItsLargestMultipleOfTheBandPerMetricAndTheMarginIsTwiceTheLargestNeverBelowTheFloor() {
        NoiseEnvelope e = withHeldOut(real("threads2"));
        for (String m : METRICS) {
            double widest = 0;
            for (int s = 1; s <= 8; s++) {
                double dev = Math.abs(real("threads2").steps().get(s - 1).value(m) - real("reference").steps().get(s - 1).value(m));
                widest = Math.max(widest, dev / band(e, m, s));
            }
            assertEquals(List.of(widest), e.heldOut().multiples().get(m), m);
        }
        double largest = Math.max(e.heldOut().multiples().get("loss").get(0), e.heldOut().multiples().get("grad_norm").get(0));
        assertEquals(largest, e.heldOut().largest());
        assertEquals(Math.max(NoiseMargin.FLOOR, NoiseMargin.HEADROOM * largest), e.margin().value());
        assertTrue(e.margin().source().startsWith("from 1 held-out run ("), e.margin().source());

        assertEquals(new NoiseMargin(3.4, "from 8 held-out runs (2 \u00d7 their largest 1.7\u00d7)"), NoiseMargin.heldOut(8, 1.7));
        assertEquals(new NoiseMargin(3.0, "from 8 held-out runs (the floor; their largest 1\u00d7)"), NoiseMargin.heldOut(8, 1.0));
        assertEquals(new NoiseMargin(11.0, "from 4 held-out runs (2 \u00d7 their largest 5.5\u00d7)"), NoiseMargin.heldOut(4, 5.5));
        assertThrows(IllegalArgumentException.class, () -> NoiseMargin.heldOut(8, Double.POSITIVE_INFINITY));

        // --noise-margin wins, and says so; an envelope without held-out runs keeps the default, and says so
        NoiseBand given = e.toBand("e", NoiseMargin.given(5, "--noise-margin"));
        assertEquals(5.0, given.margin());
        assertEquals("margin 5\u00d7 from --noise-margin", given.marginText());
        NoiseEnvelope old = envelope(real("reference"), List.of(real("native"), real("ranks2")), 8);
        assertEquals(NoiseBand.DEFAULT_MARGIN, old.toBand("e", null).margin());
        assertTrue(old.toBand("e", null).marginText().startsWith("margin 10\u00d7 by default (the envelope has no held-out runs"));
        assertEquals(e.margin().value(), e.toBand("e", null).margin());
    }

    @Test
    void aHeldOutRunThatMovesAStepNoCalibrationRunMovedIsAnError() {
        // threads and kernels leave step 1 bitwise (band 0 there without the floor); two ranks move it
        RunSeries ref = real("reference");
        var bands = EnvelopeBuilder.bands(ref, List.of(real("threads2"), real("native")), METRICS, 8, names(2));
        var x = assertThrows(EnvelopeBuilder.CalibrationException.class,
                () -> EnvelopeBuilder.heldOut(ref, List.of(real("ranks2")), bands.bands(), 8, List.of("held-out 1"), List.of("ranks=2")));
        assertTrue(x.getMessage().contains("the held-out 1 series moved "), x.getMessage());
        assertTrue(x.message(FlagWords.INSTANCE).contains("where no calibration run did (band 0); calibrate with more runs (--runs)"),
                x.getMessage());
        // Without the caller's words the setting goes by its own name: core writes no command line.
        assertTrue(x.getMessage().endsWith("(band 0); calibrate with more runs (runs)"), x.getMessage());
        var shortRun = assertThrows(EnvelopeBuilder.CalibrationException.class, () -> EnvelopeBuilder.heldOut(ref,
                List.of(cut(real("ranks2"), 6)), bands.bands(), 8, List.of("held-out 1"), List.of("ranks=2")));
        assertTrue(shortRun.getMessage().contains("the held-out 1 series has 6 steps"), shortRun.getMessage());
    }

    @Test
    void aPassWithinNoiseSaysTheSmallestChangeItCouldHaveSeenAtTheLastStepAndWarnsWhenCloseToTheMargin() {
        NoiseEnvelope e = envelope(real("reference"), List.of(real("native"), real("ranks2"), real("threads2")), 8);
        Judgement j = judge(real("native"), real("threads2"), noise(e), 8);
        assertEquals(Verdict.PASS, j.result().verdict(), j.verdictLine());
        List<String> below = new ArrayList<>();
        double widest = 0;
        for (MetricResult m : j.result().metrics()) {
            Undetectable u = m.undetectable();
            assertEquals(NoiseBand.DEFAULT_MARGIN * band(e, m.metric(), 8), u.below(), m.metric());
            assertEquals(8, u.atStep());
            assertFalse(u.closeToMargin(), m.metric() + " at " + m.noiseMultiple() + " of 10");
            String text = "a change below " + Numbers.sci(u.below()) + " in " + m.metric() + " at step 8 would not show";
            assertEquals(text, u.text(m.metric()));
            assertTrue(m.message().endsWith(": " + text), m.message());
            below.add(Numbers.sci(u.below()) + " in " + m.metric());
            widest = Math.max(widest, m.noiseMultiple());
        }
        String caveat = "at step 8 a change below " + String.join(" or ", below) + " would not show";
        assertEquals(caveat, j.result().undetectableText());
        assertTrue(j.verdictLine().contains(" over 8 steps; " + caveat + " [within noise (margin 10"), j.verdictLine());
        String json = ComparisonJson.toJson(comparison(j, noise(e)));
        assertTrue(json.contains("\"undetectable\" : {") && json.contains("\"close_to_margin\" : false"), json);

        // a margin just above the largest deviation: inside, but above half the margin
        double margin = widest * 1.5;
        Judgement close = judge(real("native"), real("threads2"), ComparisonMode.noise(e.toBand("e", NoiseMargin.given(margin, "--noise-margin"))), 8);
        assertEquals(Verdict.PASS, close.result().verdict(), close.verdictLine());
        MetricResult top = close.result().metrics().stream().filter(m -> m.noiseMultiple().equals(close.result().noiseMultiple())).findFirst().orElseThrow();
        assertTrue(top.undetectable().closeToMargin());
        assertEquals(margin * band(e, top.metric(), 8), top.undetectable().below());
        String warning = top.metric() + " " + Numbers.multiple(top.noiseMultiple()) + "\u00d7 of " + Numbers.multiple(margin) + "\u00d7";
        assertTrue(close.verdictLine().contains("; close to the margin: ") && close.verdictLine().contains(warning), close.verdictLine());
        assertTrue(close.verdictLine().contains(": run more steps or calibrate with more runs [within noise (margin "
                + Numbers.multiple(margin) + "\u00d7 from --noise-margin"), close.verdictLine());
        assertTrue(top.message().endsWith("; close to the margin (" + Numbers.multiple(top.noiseMultiple()) + "\u00d7 of "
                + Numbers.multiple(margin) + "\u00d7): run more steps or calibrate with more runs"), top.message());
    }

    @Test
    void aComparisonLongerThanTheEnvelopeIsAnErrorNeverAPass() {
        RunSeries ref = real("reference");
        NoiseEnvelope five = envelope(cut(ref, 5), List.of(cut(real("native"), 5), cut(real("ranks2"), 5)), 5);
        Judgement j = judge(ref, ref, noise(five), 8);
        assertEquals(Verdict.ERROR, j.result().verdict(), j.verdictLine());
        assertTrue(j.verdictLine().contains("no noise data after step 5"), j.verdictLine());
    }

    @Test
    void fewerThanTwoRunsOrAnIncompleteRunIsAClearError() {
        var one = assertThrows(EnvelopeBuilder.CalibrationException.class,
                () -> envelope(real("reference"), List.of(real("native")), 8));
        assertTrue(one.getMessage().contains("at least 2 perturbed runs besides the reference (got 1)"), one.getMessage());
        var shortRun = assertThrows(EnvelopeBuilder.CalibrationException.class,
                () -> envelope(real("reference"), List.of(real("native"), cut(real("ranks2"), 6)), 8));
        assertTrue(shortRun.getMessage().contains("the run 2 series has 6 steps, expected steps 1..8"), shortRun.getMessage());
    }

    @Test
    void anEnvelopeOfAnotherCaseConfigOptionsOrSeedSaysWhatDiffers() {
        NoiseEnvelope e = envelope(real("reference"), List.of(real("native"), real("ranks2")), 8);
        assertNull(e.mismatch("llama3", "configs/llama3_debug.toml", List.of("--training.seq_len=64"), 42, METRICS));
        String m = e.mismatch("llama4", "configs/llama4_debug.toml", List.of("--training.seq_len=32"), 7, METRICS);
        assertTrue(m.contains("case llama3, not llama4"), m);
        assertTrue(m.contains("config configs/llama3_debug.toml, not configs/llama4_debug.toml"), m);
        assertTrue(m.contains("options --training.seq_len=64, not --training.seq_len=32"), m);
        assertTrue(m.contains("seed 42, not 7"), m);
        assertTrue(e.mismatch("llama3", "configs/llama3_debug.toml", List.of("--training.seq_len=64"), 42, List.of("loss", "lr"))
                .contains("no band for lr"));
    }

    @Test
    void theEnvelopeFileRoundTripsAndRefusesOtherVersions(@TempDir Path dir) throws IOException {
        NoiseEnvelope e = envelope(real("reference"), List.of(real("native"), real("ranks2")), 8);
        Path file = NoiseEnvelopeFile.inFolder(dir, "llama3");
        NoiseEnvelopeFile.write(e, file);
        assertEquals(e, NoiseEnvelopeFile.read(file));
        String json = Files.readString(file);
        // an envelope without held-out runs has no held_out key (files calibrated before it read and rewrite as they were)
        assertFalse(json.contains("held_out"), json);
        NoiseEnvelope held = withHeldOut(real("threads2"));
        NoiseEnvelopeFile.write(held, file);
        assertEquals(held, NoiseEnvelopeFile.read(file));
        assertTrue(Files.readString(file).contains("\"held_out\" : {"), Files.readString(file));
        NoiseEnvelopeFile.write(e, file);
        assertTrue(json.contains("\"format_version\" : 1"), json);
        assertTrue(json.contains("\"case_name\" : \"llama3\""), json);
        Files.writeString(file, json.replace("\"format_version\" : 1", "\"format_version\" : 9"));
        var x = assertThrows(IOException.class, () -> NoiseEnvelopeFile.read(file));
        assertTrue(x.getMessage().contains("format_version 9 is not supported"), x.getMessage());
        Files.writeString(file, "{\"step\": 1}");
        assertTrue(assertThrows(IOException.class, () -> NoiseEnvelopeFile.read(file)).getMessage().contains("not a noise envelope"));
    }

    @Test
    void anEnvelopeIsValidatedWhenReadNamingMetricAndStep(@TempDir Path dir) throws IOException {
        NoiseEnvelope e = envelope(real("reference"), List.of(real("native"), real("ranks2")), 8);
        Path file = NoiseEnvelopeFile.inFolder(dir, "llama3");
        NoiseEnvelopeFile.write(e, file);
        String json = Files.readString(file);
        String lossBand = json.substring(json.indexOf("\"loss\" : ["), json.indexOf("]", json.indexOf("\"loss\" : [")) + 1);
        String[] values = lossBand.substring(lossBand.indexOf('[') + 1, lossBand.length() - 1).split(",");
        // A negative band would turn identical series into a FAIL; a null one used to be Jackson's NullPointerException.
        values[2] = " -1.0E-7";
        assertRefused(file, json.replace(lossBand, "\"loss\" : [" + String.join(",", values) + "]"),
                "the band of loss at step 3 is -1.0E-7 (a band is a finite distance >= 0); calibrate it again");
        values[2] = " null";
        assertRefused(file, json.replace(lossBand, "\"loss\" : [" + String.join(",", values) + "]"), "the band of loss at step 3 is null");
        assertRefused(file, json.replace(lossBand, "\"loss\" : [" + String.join(",", List.of(values).subList(0, 5)).replace("null", "0") + "]"),
                "the band of loss has 5 steps, settings.steps is 8");
        assertRefused(file, json.replace("\"runs\" : 2", "\"runs\" : 1"),
                "calibration.runs is 1; an envelope needs at least 2 perturbed runs");
        assertRefused(file, json.replace("\"runs\" : 2", "\"runs\" : 3"), "calibration.runs is 3 but 2 perturbations are listed");
    }

    private static void assertRefused(Path file, String json, String expected) throws IOException {
        Files.writeString(file, json);
        String m = assertThrows(IOException.class, () -> NoiseEnvelopeFile.read(file)).getMessage();
        assertTrue(m.contains(expected), m);
        assertFalse(m.contains("Exception"), m);
    }

    @Test
    void comparisonJsonOfTheOtherModesHasNoNoiseFieldsAndNoiseModeCarriesItsBand() throws IOException {
        Judgement bitwise = judge(real("reference"), real("lr"), ComparisonMode.bitwise(), 8);
        String json = ComparisonJson.toJson(comparison(bitwise, ComparisonMode.bitwise()));
        assertFalse(json.contains("noise"), json);
        NoiseEnvelope e = envelope(real("reference"), List.of(real("native"), real("ranks2")), 8);
        Judgement noisy = judge(real("reference"), real("lr"), noise(e), 8);
        Comparison c = comparison(noisy, noise(e));
        String withNoise = ComparisonJson.toJson(c);
        assertTrue(withNoise.contains("\"kind\" : \"noise\"") && withNoise.contains("\"noise_multiple_at_divergence\""), withNoise);
        // the band, its margin and the margin's source travel in the file, so a report re-rendered from it shows them
        Comparison read = ComparisonJson.MAPPER.readValue(withNoise, Comparison.class);
        assertEquals(c.cases().get(0).mode().noise(), read.cases().get(0).mode().noise());
        assertTrue(withNoise.contains("\"margin_source\" : \"by default (the envelope has no held-out runs"), withNoise);
        assertTrue(c.modeUsed().startsWith("within noise (margin 10\u00d7 by default (the envelope has no held-out runs"), c.modeUsed());
    }

    /**
     * Whether the trainer repeats itself is data, not only words in a line: two runs that part
     * (here the reference and the native-kernel run, standing for a baseline run twice) give
     * comparison.json's trainer_repeats {bitwise false, measured_by, from_step, parted per metric},
     * which reads back equal; identical runs say bitwise; an envelope of plain repeats says what
     * its repeats did, one of other perturbations says nothing; a case without it has no such key.
     */
    @Test
    void whetherTheTrainerRepeatsItselfIsAFieldOfTheCase() throws IOException {
        RepeatNoise parted = RepeatNoise.of(real("reference"), real("native"), METRICS, 8);
        TrainerRepeats r = parted.repeats();
        assertFalse(r.bitwise());
        assertEquals(TrainerRepeats.SECOND_RUN, r.measuredBy());
        assertEquals(parted.parted().values().stream().mapToInt(RepeatNoise.Parting::fromStep).min().orElseThrow(), r.fromStep());
        assertEquals(parted.parted().keySet().stream().toList(), r.parted().stream().map(TrainerRepeats.Parting::metric).toList());
        assertEquals(parted.parted().get("loss").largest(), r.parted().get(0).largest(), 0);

        Judgement j = judge(real("reference"), real("native"), ComparisonMode.bitwise(), 8);
        Comparison c = comparison(j.withResult(j.result().withTrainerRepeats(r)), ComparisonMode.bitwise());
        String json = ComparisonJson.toJson(c);
        assertTrue(json.contains("\"trainer_repeats\" : {\n      \"bitwise\" : false,\n      \"measured_by\" : \"a second run of the"
                + " baseline\",\n      \"from_step\" : " + r.fromStep() + ","), json);
        assertTrue(json.contains("\"at_step\" : " + r.parted().get(0).atStep()), json);
        assertEquals(r, ComparisonJson.MAPPER.readValue(json, Comparison.class).cases().get(0).trainerRepeats());
        assertFalse(ComparisonJson.toJson(comparison(j, ComparisonMode.bitwise())).contains("trainer_repeats"));

        TrainerRepeats same = RepeatNoise.of(real("reference"), real("reference"), METRICS, 8).repeats();
        assertEquals(new TrainerRepeats(true, TrainerRepeats.SECOND_RUN, null, List.of()), same);

        NoiseEnvelope perturbed = envelope(real("reference"), List.of(real("native"), real("ranks2")), 8);
        assertNull(perturbed.trainerRepeats("e.json"), "threads and kernels say nothing about repeats");
        NoiseEnvelope repeats = new NoiseEnvelope(perturbed.formatVersion(), perturbed.caseName(), perturbed.settings(),
                new NoiseEnvelope.Calibration("HEAD", null, "unperturbed", 2, List.of("repeat 1", "repeat 2")), perturbed.environment(),
                perturbed.bands(), perturbed.floor());
        assertEquals(new TrainerRepeats(false, "the 2 plain repeats of the noise envelope e.json", null, List.of()),
                repeats.trainerRepeats("e.json"));
    }

    private static Comparison comparison(Judgement j, ComparisonMode mode) {
        Revision r = new Revision("HEAD", null, null, null, false);
        return new Comparison(Comparison.SCHEMA_VERSION, dev.losscompare.core.result.ComparisonKind.COMPARE, r, r, "c", 8, 42, 1, METRICS, mode, "t", 1, List.of(j.result()));
    }

    private static RunSeries cut(RunSeries s, int steps) {
        List<StepRecord> kept = s.steps().subList(0, steps);
        return new RunSeries(s.meta(), kept);
    }
}
