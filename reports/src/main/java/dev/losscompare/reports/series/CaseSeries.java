package dev.losscompare.reports.series;

import dev.losscompare.core.result.CaseResult;
import dev.losscompare.core.result.MetricResult;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/** A case's verdicts together with both sides' series, as loaded from the output folder. */
public record CaseSeries(CaseResult result, SideSeries baseline, SideSeries test) {

    /** The metrics this case reports on: the comparison's, then any extra the case diffed. */
    public List<String> metrics(List<String> comparisonMetrics) {
        Set<String> names = new LinkedHashSet<>(comparisonMetrics);
        for (MetricResult m : result.metrics()) names.add(m.metric());
        return new ArrayList<>(names);
    }

    public MetricResult metricResult(String metric) {
        for (MetricResult m : result.metrics()) if (m.metric().equals(metric)) return m;
        return null;
    }

    /** Every problem with the series, one line each (empty when both sides are readable). */
    public List<String> seriesErrors() {
        List<String> errors = new ArrayList<>();
        if (baseline.error() != null) errors.add("baseline: " + baseline.error());
        if (test.error() != null) errors.add("test: " + test.error());
        return errors;
    }
}
