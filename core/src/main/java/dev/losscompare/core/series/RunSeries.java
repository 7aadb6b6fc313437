package dev.losscompare.core.series;

import java.util.List;
import java.util.Map;

/** A whole metrics file: the optional {"meta":{...}} line and the step rows in file order. */
public record RunSeries(Map<String, Object> meta, List<StepRecord> steps) {
    public RunSeries {
        meta = Meta.withoutNulls(meta);
        steps = List.copyOf(steps);
    }
}
