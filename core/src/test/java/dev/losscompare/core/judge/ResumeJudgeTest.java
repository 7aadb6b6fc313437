package dev.losscompare.core.judge;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import dev.losscompare.core.result.ResumeResult;
import dev.losscompare.core.result.Verdict;
import dev.losscompare.core.series.RunSeries;
import dev.losscompare.core.series.StepRecord;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ResumeJudgeTest {
    private static final List<String> METRICS = List.of("loss", "grad_norm");

    /** Steps from..to with loss 10/step and grad_norm 1/step; {@code nudge} moves one step's loss by one ulp. */
    private static RunSeries series(int from, int to, int nudgedStep, String fingerprintAt) {
        List<StepRecord> rows = new ArrayList<>();
        for (int s = from; s <= to; s++) {
            double loss = 10.0 / s;
            if (s == nudgedStep) loss = Math.nextUp(loss);
            rows.add(new StepRecord(s, Map.of("loss", loss, "grad_norm", 1.0 / s), s == Integer.parseInt(fingerprintAt) ? "ffff" : "f" + s));
        }
        return new RunSeries(Map.of(), rows);
    }

    private static RunSeries series(int from, int to) {
        return series(from, to, -1, "-1");
    }

    private static ResumeResult judge(RunSeries plain, RunSeries continuous, RunSeries resumed) {
        return ResumeJudge.judge("test", 2, false, 4, METRICS, new ResumeJudge.Runs(plain, continuous, resumed));
    }

    @Test
    void aResumedRunEqualToTheContinuousOneIsIdentical() {
        ResumeResult r = judge(series(1, 4), series(1, 4), series(3, 4));
        assertEquals(Verdict.PASS, r.verdict());
        assertEquals("resume at 2 (test): identical (steps 3-4 bitwise equal to the continuous run)", r.line());
    }

    @Test
    void oneUlpAtTheFirstResumedStepIsAFailFromThatStep() {
        ResumeResult r = judge(series(1, 4), series(1, 4), series(3, 4, 3, "-1"));
        assertEquals(Verdict.FAIL, r.verdict());
        assertEquals(3, r.firstDivergentStep());
        assertEquals("resume at 2 (test): differs from step 3 (loss 3.3333333333333335 continuous, 3.333333333333334 resumed)",
                r.line());
        assertEquals(r.line() + "; weights", r.withState("weights").line());
    }

    /** A band of 1e-15 at every step, margin 3: one ulp of 10/3 (4.4e-16) is inside, 1e-13 is 100 bands out. */
    private static ComparisonMode noise() {
        List<Double> band = List.of(1e-15, 1e-15, 1e-15, 1e-15);
        return ComparisonMode.noise(new NoiseBand("e.json", "HEAD", 2, List.of("repeat 1", "repeat 2"), new NoiseMargin(3, "given"),
                Map.of("loss", band, "grad_norm", band)));
    }

    @Test
    void withinNoiseAResumedRunIsOneMoreDrawOfTheNoise() {
        ComparisonMode mode = noise();
        ResumeResult inside = ResumeJudge.judge("test", 2, false, 4, METRICS,
                new ResumeJudge.Runs(series(1, 4), series(1, 4), series(3, 4, 3, "-1")), mode);
        assertEquals(Verdict.PASS, inside.verdict());
        assertEquals("resume at 2 (test): within noise (steps 3-4 within the margin of the continuous run's) [" + mode.describe() + "]",
                inside.line());
        ResumeResult same = ResumeJudge.judge("test", 2, false, 4, METRICS, new ResumeJudge.Runs(series(1, 4), series(1, 4), series(3, 4)), mode);
        assertEquals("resume at 2 (test): identical (steps 3-4 bitwise equal to the continuous run)", same.line());
        List<StepRecord> moved = new ArrayList<>(series(3, 4).steps());
        moved.set(1, new StepRecord(4, Map.of("loss", 2.5 + 1e-13, "grad_norm", 0.25), "f4"));
        ResumeResult out = ResumeJudge.judge("test", 2, false, 4, METRICS,
                new ResumeJudge.Runs(series(1, 4), series(1, 4), new RunSeries(Map.of(), moved)), mode);
        assertEquals(Verdict.FAIL, out.verdict());
        assertEquals(4, out.firstDivergentStep());
        assertEquals("resume at 2 (test): differs from step 4 (loss 2.5 continuous, 2.5000000000001 resumed (100\u00d7 the measured noise))"
                + " [" + mode.describe() + "]", out.line());
    }

    @Test
    void otherInputsAreNamedAsSuch() {
        ResumeResult r = judge(null, series(1, 4), series(3, 4, -1, "4"));
        assertEquals(4, r.firstDivergentStep());
        assertEquals("its inputs differ: data_fingerprint f4 continuous, ffff resumed", r.what());
    }

    @Test
    void checkpointingThatMovesTheNumbersFailsBeforeAnyResume() {
        ResumeResult r = judge(series(1, 4, 2, "-1"), series(1, 4), series(3, 4));
        assertEquals(Verdict.FAIL, r.verdict());
        assertEquals(2, r.firstDivergentStep());
        assertEquals("writing checkpoints changes the numbers: the checkpointing run differs from the plain run from step 2", r.what());
    }

    @Test
    void missingOrExtraStepsAreNeverIdentical() {
        assertEquals(Verdict.FAIL, judge(null, series(1, 4), series(3, 3)).verdict(), "step 4 missing from the resumed run");
        ResumeResult extra = judge(null, series(1, 4), series(1, 4));
        assertEquals(Verdict.ERROR, extra.verdict(), "a resumed run that trained from step 1 did not resume");
        assertEquals("the resumed run gave steps 1-4 (4 steps), expected 3-4", extra.error());
        assertEquals(Verdict.ERROR, judge(null, series(1, 3), series(3, 4)).verdict(), "an incomplete continuous run");
        assertEquals(Verdict.ERROR, judge(null, series(1, 4), null).verdict());
        assertNull(judge(null, series(1, 4), null).firstDivergentStep());
    }

    @Test
    void aFailIsAFactAndOtherwiseTheWorstWins() {
        ResumeResult pass = judge(null, series(1, 4), series(3, 4)), fail = judge(null, series(1, 4), series(3, 4, 3, "-1")),
                error = judge(null, series(1, 4), null);
        assertEquals(Verdict.FAIL, ResumeJudge.combine(Verdict.PASS, List.of(pass, fail)));
        assertEquals(Verdict.FAIL, ResumeJudge.combine(Verdict.FAIL, List.of(error)));
        assertEquals(Verdict.FAIL, ResumeJudge.combine(Verdict.ERROR, List.of(fail)));
        assertEquals(Verdict.ERROR, ResumeJudge.combine(Verdict.PASS, List.of(pass, error)));
        assertEquals(Verdict.PASS, ResumeJudge.combine(Verdict.PASS, List.of(pass)));
    }
}
