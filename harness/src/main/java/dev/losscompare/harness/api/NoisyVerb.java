package dev.losscompare.harness.api;

import java.nio.file.Path;

/** A command that can judge against measured noise (compare, diff, bisect, gate): the command line's noise options. */
public interface NoisyVerb<SELF> extends SettingsVerb {
    /**
     * --noise=FILE|DIR: each case's noise envelope (a file for one case, or a folder of
     * {@code <case>.json}); gate uses them only where a golden's environment differs (default there:
     * configs/noise beside the goldens).
     */
    default SELF setNoise(Path envelopes) {
        settings().judge.noise(envelopes);
        return VerbSettings.self(this);
    }

    /** --noise-margin: a step is inside when |test - baseline| <= margin x band. */
    default SELF setNoiseMargin(double margin) {
        settings().judge.noiseMargin(margin);
        return VerbSettings.self(this);
    }
}
