package dev.losscompare.reports.text;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.losscompare.core.judge.ComparisonMode;
import dev.losscompare.core.judge.MetricDiff;
import dev.losscompare.core.judge.SeriesDiff;
import dev.losscompare.core.series.RunSeries;
import dev.losscompare.core.series.StepRecord;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The console's step table: long tables are abbreviated, the divergence is never cut. */
class StepTableTest {
    private static RunSeries series(double... losses) {
        List<StepRecord> steps = new ArrayList<>();
        for (int i = 0; i < losses.length; i++) steps.add(new StepRecord(i + 1, Map.of("loss", losses[i]), "fp" + (i + 1)));
        return new RunSeries(Map.of(), steps);
    }

    @Test
    void longTablesAreAbbreviatedOnTheConsoleButKeepTheDivergence() {
        double[] b = new double[1000];
        double[] t = new double[1000];
        for (int i = 0; i < 1000; i++) b[i] = t[i] = i;
        t[500] = -1;
        MetricDiff d = SeriesDiff.diff(series(b), series(t), "loss", ComparisonMode.bitwise());
        List<String> console = StepTable.forConsole(d);
        assertTrue(console.size() < 70, "" + console.size());
        assertTrue(console.stream().anyMatch(l -> l.startsWith("501 ") && l.endsWith("<- first divergence")));
        assertEquals(1003, StepTable.full(d).size());
    }
}
