package dev.losscompare.harness.api;

import java.util.List;

/** A command that judges with the user's mode and metrics (compare, diff, bisect): the command line's Judge options. */
public interface JudgingVerb<SELF> {
    SELF setAssertEqual();

    SELF setAtol(double atol);

    SELF setRtol(double rtol);

    SELF setMetrics(List<String> metrics);
}
