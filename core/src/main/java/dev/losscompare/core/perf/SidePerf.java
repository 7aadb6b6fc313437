package dev.losscompare.core.perf;

import dev.losscompare.core.series.RunSeries;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;

/**
 * One side's performance over its runs. With one run the samples of a speed quantity are its
 * steps after the warm-up; with several (rounds timed by the harness) they are the rounds'
 * medians, so the spread is the noise between rounds of the same side. Peak memory's samples are
 * the runs' peaks. A quantity the runs do not all carry is absent from {@code spreads}.
 */
public record SidePerf(int runs, List<RunPerf> rounds, Map<PerfQuantity, Spread> spreads) {
    public SidePerf {
        rounds = List.copyOf(rounds);
        spreads = Map.copyOf(spreads);
    }

    public static SidePerf of(List<RunSeries> runs) {
        if (runs.isEmpty()) throw new IllegalArgumentException("no runs");
        List<RunPerf> rounds = runs.stream().map(RunPerf::of).toList();
        Map<PerfQuantity, Spread> spreads = new EnumMap<>(PerfQuantity.class);
        for (PerfQuantity q : PerfQuantity.values()) {
            Spread s = runs.size() == 1 && q != PerfQuantity.MEMORY ? steps(runs.get(0), q) : roundValues(rounds, q);
            if (s != null) spreads.put(q, s);
        }
        return new SidePerf(runs.size(), rounds, spreads);
    }

    /** The samples' spread of {@code q}, or null when the runs do not all carry it. */
    public Spread spread(PerfQuantity q) {
        return spreads.get(q);
    }

    /** The relative noise of {@code q} on this side: between rounds, or step to step for a lone run. */
    public double noise(PerfQuantity q) {
        Spread s = spread(q);
        if (s == null) return 0;
        if (q == PerfQuantity.MEMORY) return runs >= 2 ? s.halfRangeRelative() : 0;
        return runs >= 2 ? s.halfRangeRelative() : s.halfIqrRelative();
    }

    public boolean hasAny() {
        return spread(PerfQuantity.THROUGHPUT) != null || spread(PerfQuantity.STEP_TIME) != null
                || spread(PerfQuantity.MEMORY) != null;
    }

    private static Spread steps(RunSeries run, PerfQuantity q) {
        List<Double> steps = RunPerf.measuredValues(run, q);
        return steps.isEmpty() ? null : Spread.of(steps);
    }

    private static Spread roundValues(List<RunPerf> rounds, PerfQuantity q) {
        List<Double> values = new ArrayList<>();
        for (RunPerf r : rounds) {
            if (r.value(q) == null) return null;
            values.add(r.value(q));
        }
        return Spread.of(values);
    }
}
