package dev.losscompare.harness.cli;

import dev.losscompare.core.judge.NoiseBand;
import dev.losscompare.harness.Console;
import dev.losscompare.harness.UsageException;
import dev.losscompare.harness.noise.NoiseEnvelopes;
import dev.losscompare.harness.noise.NoiseEnvelopes.Policy;
import java.nio.file.Path;
import picocli.CommandLine.Option;

/** --noise=FILE|DIR and --noise-margin: judge against measured noise (see calibrate). */
public final class NoiseOptions {
    @Option(names = "--noise", paramLabel = "FILE|DIR", description = {"Judge each case against its noise envelope: a file (one case), "
            + "a calibrate output folder or a folder of saved envelopes (<case>.json each; e.g. configs/noise)."})
    Path noise;

    @Option(names = "--noise-margin", paramLabel = "X", description = "A step is inside when |test-baseline| <= X x band (default: 3).")
    Double margin;

    boolean given() {
        return noise != null;
    }

    /**
     * The envelopes --noise names (a case without one is an ERROR), else {@code fallback} (null:
     * none; {@code fallbackRequired}: a case without one is an ERROR too, else it keeps its mode).
     */
    NoiseEnvelopes envelopes(Console console, Policy policy, Path fallback, boolean fallbackRequired, JudgeOptions judge) {
        if (margin != null && !(margin > 0 && Double.isFinite(margin))) throw new UsageException("--noise-margin must be a number > 0");
        if (noise == null && margin != null && fallback == null) throw new UsageException("--noise-margin needs --noise=FILE|DIR");
        if (noise != null && judge != null && judge.tolerance()) {
            throw new UsageException("--noise judges against measured noise; it cannot be combined with --atol/--rtol/--assert-equal");
        }
        Path path = noise != null ? console.cwd().resolve(noise) : fallback;
        if (path == null) return null;
        if (noise != null && !java.nio.file.Files.exists(path)) throw new UsageException("--noise: no such file or folder: " + path);
        return new NoiseEnvelopes(path, margin == null ? NoiseBand.DEFAULT_MARGIN : margin, policy, noise != null || fallbackRequired,
                console::show);
    }
}
