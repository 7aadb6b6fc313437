package dev.losscompare.core.judge;

import dev.losscompare.core.result.RunInfo;
import dev.losscompare.core.series.RunSeries;

/**
 * One side of a case after its run: what the report records ({@code info}; {@code info.error()}
 * is the one-line failure, null for a clean run) and the series, null when there is none to read.
 * A crashed run can still have a series: the steps it wrote before it stopped. {@code decimals}:
 * the values were read from text printed with that many decimals (null: exact binary values).
 */
public record SideResult(RunInfo info, RunSeries series, Integer decimals) {
    public SideResult(RunInfo info, RunSeries series) {
        this(info, series, null);
    }

    public boolean failed() {
        return info.error() != null;
    }
}
