package dev.losscompare.core.result;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * What each side ran in: the environment chosen for it ({@code --baseline-env} / {@code
 * --test-env}; "default" when none was) and the facts read from its runs (torch or libtorch
 * version, CUDA and cuDNN where present, BLAS and its kernel, Python version for a Python
 * trainer), with the facts that differ between the sides. Every output starts with
 * {@link #headline()}: a comparison across environments says what moved besides the code.
 */
public record Environments(String baselineName, String testName, Map<String, String> baseline, Map<String, String> test,
                           List<FactDifference> differences) {
    /** The name of the environment a side runs in when none was chosen (the harness's own PATH and variables). */
    public static final String DEFAULT = "default";

    public Environments {
        baseline = baseline == null ? Map.of() : java.util.Collections.unmodifiableMap(new TreeMap<>(baseline));
        test = test == null ? Map.of() : java.util.Collections.unmodifiableMap(new TreeMap<>(test));
        differences = differences == null ? List.of() : List.copyOf(differences);
    }

    /** One fact as each side reported it; null: that side's runs did not report it. */
    public record FactDifference(String fact, String baseline, String test) {
        /** "torch_version 2.7.1 -> 2.10.0". */
        public String describe() {
            return fact + " " + (baseline == null ? "(not reported)" : baseline) + " -> " + (test == null ? "(not reported)" : test);
        }
    }

    /** The sides' environments and facts, with their differences computed (the one rule of what differs). */
    public static Environments of(String baselineName, String testName, Map<String, String> baseline, Map<String, String> test) {
        List<FactDifference> diffs = new ArrayList<>();
        TreeSet<String> keys = new TreeSet<>(baseline.keySet());
        keys.addAll(test.keySet());
        for (String k : keys) {
            if (!Objects.equals(baseline.get(k), test.get(k))) diffs.add(new FactDifference(k, baseline.get(k), test.get(k)));
        }
        return new Environments(baselineName, testName, baseline, test, diffs);
    }

    /**
     * "environments: baseline libtorch-2.7, test libtorch-2.10; they differ in torch_version 2.7.1 -> 2.10.0" or
     * "...; the same facts (torch_version 2.10.0, ...)": what every output starts with.
     */
    public String headline() {
        String names = "environments: baseline " + baselineName + ", test " + testName;
        if (!differences.isEmpty()) {
            return names + "; they differ in " + String.join(", ", differences.stream().map(FactDifference::describe).toList());
        }
        if (baseline.isEmpty()) return names + "; no facts reported by the runs";
        List<String> same = new ArrayList<>();
        baseline.forEach((k, v) -> same.add(k + " " + v));
        return names + "; the same facts (" + String.join(", ", same) + ")";
    }
}
