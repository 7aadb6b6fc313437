package dev.losscompare.core.sources;

import dev.losscompare.core.series.RunSeries;
import java.nio.file.Path;
import java.util.Map;

/**
 * A run read from an existing file or folder: its series, where and in which format it was
 * found, how precisely each metric is held (a metric not in {@code precision} is exact), and a
 * note on a choice made while reading it ({@code note}, null: none).
 */
public record SourcedSeries(Path origin, SeriesFormat format, RunSeries series, Map<String, ValuePrecision> precision, String note) {
    public SourcedSeries {
        precision = Map.copyOf(precision);
    }

    public SourcedSeries(Path origin, SeriesFormat format, RunSeries series, Map<String, ValuePrecision> precision) {
        this(origin, format, series, precision, null);
    }

    /** The same run with a note on how it was read (e.g. which rank's lines), said to the user; null: nothing to say. */
    public SourcedSeries withNote(String note) {
        return new SourcedSeries(origin, format, series, precision, note);
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
