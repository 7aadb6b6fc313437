package dev.losscompare.core.perf;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Speed and memory recorded with a baseline that is not run again (a golden): what was measured
 * ({@code measured}: one run, or rounds the harness timed), in which environment (the machine and
 * the run settings that decide speed: {@code environment}) and how ({@code conditions}, e.g.
 * "3 rounds, one run at a time, load average 1.2-1.9"). Compared only in the same environment.
 */
public record RecordedPerf(Map<String, String> environment, SidePerf measured, String conditions) {
    public RecordedPerf {
        environment = Map.copyOf(environment);
    }

    /** "cpu_model A -> B, cpus 8 -> 2", or empty when the environments match (keys in {@code now}'s order). */
    public String environmentDifference(Map<String, String> now) {
        List<String> diffs = new ArrayList<>();
        for (var e : now.entrySet()) {
            String was = environment.get(e.getKey());
            if (!e.getValue().equals(was)) diffs.add(e.getKey() + " " + (was == null ? "unknown" : was) + " -> " + e.getValue());
        }
        return String.join(", ", diffs);
    }
}
