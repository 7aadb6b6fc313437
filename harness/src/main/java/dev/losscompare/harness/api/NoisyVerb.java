package dev.losscompare.harness.api;

import java.nio.file.Path;

/** A command that can judge against measured noise (compare, diff, bisect, gate): the command line's noise options. */
public interface NoisyVerb<SELF> {
    /** --noise=FILE|DIR: each case's noise envelope (a file for one case, or a folder of {@code <case>.json}). */
    SELF setNoise(Path envelopes);

    /** --noise-margin: a step is inside when |test - baseline| <= margin x band. */
    SELF setNoiseMargin(double margin);
}
