package dev.losscompare.core.judge;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.losscompare.core.sources.LossFile;
import dev.losscompare.core.series.RunSeries;
import dev.losscompare.core.series.StepRecord;
import dev.losscompare.core.series.UnreadableSeriesException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The per-metric diff: matching by step, bitwise and tolerance modes, statistics, non-finite values. */
class SeriesDiffTest {
    private static RunSeries series(double... losses) {
        List<StepRecord> steps = new ArrayList<>();
        for (int i = 0; i < losses.length; i++) steps.add(new StepRecord(i + 1, Map.of("loss", losses[i]), "fp" + (i + 1)));
        return new RunSeries(Map.of(), steps);
    }

    @Test
    void bitwiseNoticesTheLastBit() {
        double a = 5.61004114151001;
        double b = Math.nextUp(a);
        MetricDiff d = SeriesDiff.diff(series(1, a), series(1, b), "loss", ComparisonMode.bitwise());
        assertEquals(2, d.divergence().step());
        assertEquals(DivergenceReason.VALUE, d.divergence().reason());
        assertEquals(b - a, d.maxAbsDiff());
        assertEquals(2, d.comparedSteps());
        assertNull(SeriesDiff.diff(series(1, a), series(1, a), "loss", ComparisonMode.bitwise()).divergence());
    }

    @Test
    void bitwiseTellsNegativeZeroFromZero() {
        assertNotNull(SeriesDiff.diff(series(0.0), series(-0.0), "loss", ComparisonMode.bitwise()).divergence());
    }

    @Test
    void toleranceIsAtolPlusRtolTimesBaseline() {
        ComparisonMode m = ComparisonMode.tolerance(0.01, 0.1);   // allows 0.01 + 0.1*|b|
        assertNull(SeriesDiff.diff(series(1.0), series(1.1099), "loss", m).divergence());
        assertNotNull(SeriesDiff.diff(series(1.0), series(1.1101), "loss", m).divergence());
        assertNull(SeriesDiff.diff(series(-1.0), series(-1.1099), "loss", m).divergence());
        assertNotNull(SeriesDiff.diff(series(10.0), series(11.02), "loss", m).divergence());
    }

    @Test
    void statisticsCoverEveryComparedStep() {
        MetricDiff d = SeriesDiff.diff(series(2, 4, 0), series(2, 5, 0.5), "loss", ComparisonMode.bitwise());
        assertEquals(1.0, d.maxAbsDiff());
        assertEquals(Double.POSITIVE_INFINITY, d.maxRelDiff());   // 0.5 against a baseline of 0
        assertEquals(0.5, d.meanAbsDiff());
        assertEquals(2, d.divergence().step());
    }

    @Test
    void nanAgainstANumberIsADifferenceAndNanOnBothSidesIsAProblem() {
        MetricDiff one = SeriesDiff.diff(series(1, 2), series(1, Double.NaN), "loss", ComparisonMode.tolerance(1e9, 0));
        assertEquals("loss differs from step 2 (test is NaN)", one.divergence().message());
        MetricDiff both = SeriesDiff.diff(series(1, Double.NaN), series(1, Double.NaN), "loss", ComparisonMode.bitwise());
        assertNull(both.divergence());
        assertEquals("loss is NaN at step 2 in both runs", both.problem());
    }

    @Test
    void differentStepSetsDivergeAtTheFirstOddStep() {
        MetricDiff d = SeriesDiff.diff(series(1, 2, 3), series(1, 2), "loss", ComparisonMode.bitwise());
        assertEquals(DivergenceReason.STEP_MISSING_IN_TEST, d.divergence().reason());
        assertEquals("step 3 missing in test", d.divergence().message());
    }

    @Test
    void fingerprintsLocateChangedInputs() {
        RunSeries b = series(1, 2, 3);
        List<StepRecord> t = new ArrayList<>(b.steps());
        t.set(1, new StepRecord(2, Map.of("loss", 2.0), "other"));
        assertEquals(2, SeriesDiff.inputsDivergeAt(b, new RunSeries(Map.of(), t)));
        assertNull(SeriesDiff.inputsDivergeAt(b, b));
    }

    @Test
    void numbersPrintLikeTheVerdictLine() {
        assertEquals("3.1e-3", Numbers.sci(0.0031));
        assertEquals("1.0e0", Numbers.sci(1));
        assertEquals("0", Numbers.sci(0));
        assertEquals("inf", Numbers.sci(Double.POSITIVE_INFINITY));
    }

    @Test
    void lossFilesRoundTripExactly(@TempDir Path tmp) throws Exception {
        RunSeries s = series(5.897574424743652, 5.61004114151001, 1e-20);
        Path f = tmp.resolve("l.txt");
        LossFile.export(s, f);
        RunSeries back = LossFile.read(f);
        for (int i = 0; i < 3; i++) assertEquals(s.steps().get(i).value("loss"), back.steps().get(i).value("loss"));
        Files.writeString(f, "1 2.0\n2 oops\n");
        assertThrows(UnreadableSeriesException.class, () -> LossFile.read(f));
        Files.writeString(f, "2 2.0\n1 2.0\n");
        assertThrows(UnreadableSeriesException.class, () -> LossFile.read(f));
    }
}
