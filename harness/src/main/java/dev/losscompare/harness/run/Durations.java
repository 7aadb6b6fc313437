package dev.losscompare.harness.run;

import java.time.Duration;

/** How a time limit reads in a message: "1500ms", "90s", "30m", "1m30s". */
public final class Durations {
    private Durations() {}

    public static String human(Duration d) {
        if (d == null) return "-";
        if (d.toSeconds() < 60) return d.toMillis() % 1000 == 0 ? d.toSeconds() + "s" : d.toMillis() + "ms";
        return d.toSeconds() % 60 == 0 ? d.toMinutes() + "m" : d.toMinutes() + "m" + d.toSecondsPart() + "s";
    }
}
