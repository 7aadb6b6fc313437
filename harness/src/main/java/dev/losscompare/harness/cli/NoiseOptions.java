package dev.losscompare.harness.cli;

import dev.losscompare.core.judge.NoiseBand;
import dev.losscompare.harness.api.NoisyVerb;
import java.nio.file.Path;
import picocli.CommandLine.Option;

/** --noise=FILE|DIR and --noise-margin: judge against measured noise (see calibrate). Checked by the API. */
public final class NoiseOptions {
    @Option(names = "--noise", paramLabel = "FILE|DIR", description = {"Judge each case against its noise envelope: a file (one case), "
            + "a calibrate output folder or a folder of saved envelopes (<case>.json each; e.g. configs/noise)."})
    Path noise;

    @Option(names = "--noise-margin", paramLabel = "X", description = "A step is inside when |test-baseline| <= X x band (default: each envelope's margin, "
            + "measured from its held-out runs; " + (int) NoiseBand.DEFAULT_MARGIN + " for an envelope without them).")
    Double margin;

    <V extends NoisyVerb<V>> void applyTo(V verb) {
        if (noise != null) verb.setNoise(noise);
        if (margin != null) verb.setNoiseMargin(margin);
    }
}
