package dev.losscompare.harness.api;

import dev.losscompare.core.judge.NoiseBand;
import dev.losscompare.harness.Console;
import dev.losscompare.harness.UsageException;
import dev.losscompare.harness.noise.NoiseEnvelopes;
import dev.losscompare.harness.noise.NoiseEnvelopes.Policy;
import java.nio.file.Files;
import java.nio.file.Path;

/** --noise=FILE|DIR and --noise-margin, checked once for every verb that takes them. */
final class NoiseSettings {
    private NoiseSettings() {}

    /** The envelopes --noise names; every case must find its own (ERROR otherwise). */
    static NoiseEnvelopes envelopes(Console console, Path noise, Double margin, boolean toleranceGiven) {
        if (margin != null && !(margin > 0 && Double.isFinite(margin))) throw new UsageException("--noise-margin must be a number > 0");
        if (noise == null) throw new UsageException("--noise-margin needs --noise=FILE|DIR");
        if (toleranceGiven) {
            throw new UsageException("--noise judges against measured noise; it cannot be combined with --atol/--rtol/--assert-equal");
        }
        Path path = console.cwd().resolve(noise);
        if (!Files.exists(path)) throw new UsageException("--noise: no such file or folder: " + console.show(path));
        return new NoiseEnvelopes(path, margin == null ? NoiseBand.DEFAULT_MARGIN : margin, Policy.ALWAYS, true, console::show);
    }
}
