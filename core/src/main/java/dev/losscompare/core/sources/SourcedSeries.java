package dev.losscompare.core.sources;

import dev.losscompare.core.series.RunSeries;
import java.nio.file.Path;
import java.util.Map;

/**
 * A run read from an existing file or folder: its series, where and in which format it was
 * found, and how precisely each metric is held (a metric not in {@code precision} is exact).
 */
public record SourcedSeries(Path origin, SeriesFormat format, RunSeries series, Map<String, ValuePrecision> precision) {
    public SourcedSeries {
        precision = Map.copyOf(precision);
    }

    /** The fewest decimals any metric was printed with, or null when every value is exact. */
    public Integer decimals() {
        ValuePrecision p = ValuePrecision.exact();
        for (ValuePrecision v : precision.values()) p = p.coarser(v);
        return p.decimals();
    }

    public ValuePrecision precision(String metric) {
        return precision.getOrDefault(metric, ValuePrecision.exact());
    }
}
