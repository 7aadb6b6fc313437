package dev.losscompare.core.series;

import java.util.Map;

/** One line of a trainer metrics file: the step number, its numeric fields by name, and the input fingerprint. */
public record StepRecord(int step, Map<String, Double> values, String dataFingerprint) {
    public StepRecord {
        values = Map.copyOf(values);
    }

    /** The value of a metric, or null when this step does not carry it. */
    public Double value(String metric) {
        return values.get(metric);
    }
}
