package dev.losscompare.tbevents;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.NavigableMap;

/**
 * The scalars of a run's event files: tag, then step, then value. {@code files} are the event
 * files read, in reading order.
 */
public record ScalarEvents(List<Path> files, Map<String, NavigableMap<Long, Double>> byTag) {
    public ScalarEvents {
        files = List.copyOf(files);
        byTag = Map.copyOf(byTag);
    }

    /** The series of one tag, or null when no file has it. */
    public NavigableMap<Long, Double> series(String tag) {
        return byTag.get(tag);
    }
}
