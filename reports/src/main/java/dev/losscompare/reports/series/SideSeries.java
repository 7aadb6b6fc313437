package dev.losscompare.reports.series;

import dev.losscompare.core.series.RunSeries;
import dev.losscompare.core.series.StepRecord;
import java.util.Map;
import java.util.TreeMap;

/**
 * One side's series as the renderers see it: the parsed file, or the reason there is none.
 * {@code series} may be present together with an {@code error} (an empty run still has its meta line).
 */
public record SideSeries(String side, RunSeries series, String error) {
    public boolean usable() {
        return series != null && !series.steps().isEmpty();
    }

    /** Steps by number; a repeated step keeps its last line (the file's final word). */
    public TreeMap<Integer, StepRecord> byStep() {
        TreeMap<Integer, StepRecord> m = new TreeMap<>();
        if (series != null) for (StepRecord r : series.steps()) m.put(r.step(), r);
        return m;
    }

    public Map<String, Object> meta() {
        return series == null ? Map.of() : series.meta();
    }
}
