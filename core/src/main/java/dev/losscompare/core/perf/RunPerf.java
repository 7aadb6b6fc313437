package dev.losscompare.core.perf;

import dev.losscompare.core.series.RunSeries;
import dev.losscompare.core.series.StepRecord;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;

/**
 * One run's steady state (steps {@code firstMeasuredStep}..{@code lastStep}): the median of each
 * speed quantity over the steps after the warm-up ({@code medians}; a quantity the steps do not
 * carry is absent) and, under {@link PerfQuantity#MEMORY}, the peak memory over every step. CPU
 * time is the mean instead: the process CPU clock ticks in 10 ms, so one step's value is
 * quantized to ~10% of a 100 ms step, while the sum over the measured steps is not.
 */
public record RunPerf(int steps, int warmupSteps, Integer firstMeasuredStep, Integer lastStep, Map<PerfQuantity, Double> medians) {
    public RunPerf {
        medians = Map.copyOf(medians);
    }

    public static RunPerf of(RunSeries series) {
        List<StepRecord> steps = series.steps();
        int warmup = Warmup.steps(steps.size());
        List<StepRecord> measured = steps.subList(warmup, steps.size());
        Integer first = measured.isEmpty() ? null : measured.get(0).step();
        Integer last = measured.isEmpty() ? null : measured.get(measured.size() - 1).step();
        Map<PerfQuantity, Double> values = new EnumMap<>(PerfQuantity.class);
        for (PerfQuantity q : PerfQuantity.values()) {
            List<Double> v = values(q == PerfQuantity.MEMORY ? steps : measured, q);
            if (v.isEmpty()) continue;
            values.put(q, switch (q) {
                case MEMORY -> Spread.of(v).max();
                case CPU_TIME -> v.stream().mapToDouble(Double::doubleValue).average().orElseThrow();
                default -> Spread.of(v).median();
            });
        }
        return new RunPerf(steps.size(), warmup, first, last, values);
    }

    /** The median of {@code q} (for memory: the peak), or null when the run does not carry it. */
    public Double value(PerfQuantity q) {
        return medians.get(q);
    }

    /** The per-step values of {@code q} after the warm-up (the samples of a lone run). */
    public static List<Double> measuredValues(RunSeries series, PerfQuantity q) {
        List<StepRecord> steps = series.steps();
        return values(steps.subList(Warmup.steps(steps.size()), steps.size()), q);
    }

    private static List<Double> values(List<StepRecord> steps, PerfQuantity q) {
        List<Double> out = new ArrayList<>();
        for (StepRecord s : steps) {
            Double v = q.of(s);
            if (v != null) out.add(v);
        }
        return out;
    }
}
