package dev.losscompare.harness.api;

import java.util.List;

/** A command that judges with the user's mode and metrics (compare, diff, bisect): the command line's Judge and noise options. */
public interface JudgingVerb<SELF> {
    SELF setAssertEqual();

    SELF setAtol(double atol);

    SELF setRtol(double rtol);

    SELF setMetrics(List<String> metrics);

    /** --noise=FILE|DIR: judge each case against its noise envelope (a file for one case, or a folder of {@code <case>.json}). */
    SELF setNoise(java.nio.file.Path envelopes);

    /** --noise-margin: a step is inside when |test - baseline| <= margin x band. */
    SELF setNoiseMargin(double margin);
}
