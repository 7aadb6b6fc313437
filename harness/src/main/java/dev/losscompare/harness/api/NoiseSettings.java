package dev.losscompare.harness.api;

import dev.losscompare.harness.Wording;
import dev.losscompare.core.text.SettingWords;
import dev.losscompare.core.text.Setting;
import dev.losscompare.core.judge.NoiseMargin;
import dev.losscompare.harness.Console;
import dev.losscompare.harness.UsageException;
import dev.losscompare.harness.engine.NoiseEnvelopes;
import dev.losscompare.harness.engine.NoiseEnvelopes.Policy;
import java.nio.file.Files;
import java.nio.file.Path;

/** --noise=FILE|DIR and --noise-margin, checked once for every verb that takes them. */
final class NoiseSettings {
    private NoiseSettings() {}

    /** The envelopes --noise names; every case must find its own (ERROR otherwise). */
    static NoiseEnvelopes envelopes(Console console, Path noise, Double margin, boolean toleranceGiven, SettingWords words) {
        return envelopes(console, noise, margin, toleranceGiven, words, words.name(Setting.NOISE));
    }

    /** The envelopes a suite's top-level {@code noise} key names (a missing folder names the suite's key, not --noise). */
    static NoiseEnvelopes suiteEnvelopes(Console console, Path noise, Double margin, SettingWords words) {
        return envelopes(console, noise, margin, false, words, "the suite's noise folder");
    }

    private static NoiseEnvelopes envelopes(Console console, Path noise, Double margin, boolean toleranceGiven, SettingWords words,
                                            String what) {
        margin(margin, words);
        if (noise == null) {
            throw new UsageException(Setting.NOISE_MARGIN, words.name(Setting.NOISE_MARGIN) + " needs " + words.withValue(Setting.NOISE, "FILE|DIR"));
        }
        if (toleranceGiven) {
            throw new UsageException(Setting.NOISE, words.name(Setting.NOISE) + " judges against measured noise; it cannot be combined with "
                    + words.name(Setting.ATOL) + "/" + words.name(Setting.RTOL) + "/" + words.name(Setting.ASSERT_EQUAL));
        }
        Path path = console.cwd().resolve(noise);
        if (!Files.exists(path)) {
            throw new UsageException(UsageException.Reason.FILE, what + ": no such file or folder: " + console.show(path) + " (calibrate it: see docs/noise.md)");
        }
        return new NoiseEnvelopes(path, margin(margin, words), Policy.ALWAYS, true, console::show, words);
    }

    /**
     * The gate's envelopes: --noise, else the folder beside the goldens (configs/noise, where a
     * missing envelope leaves the case as it was), used only where the golden's environment differs
     * and the case would not be bitwise anyway.
     */
    static NoiseEnvelopes forGate(Console console, Path noise, Double margin, Path goldenDir, SettingWords words) {
        if (noise != null) {
            envelopes(console, noise, margin, false, words);   // the same checks as compare's
            return new NoiseEnvelopes(console.cwd().resolve(noise), margin(margin, words), Policy.WHERE_NOT_BITWISE, true, console::show, words);
        }
        return new NoiseEnvelopes(NoiseEnvelopes.besideGoldens(console.cwd().resolve(goldenDir)), margin(margin, words),
                Policy.WHERE_NOT_BITWISE, false, console::show, words);
    }

    /**
     * --noise-margin checked, or null: each envelope's own margin. The margin's source is named
     * in every verdict line and report as the command line writes it (outputs read the same from
     * either caller); a bad value is named in {@code words}.
     */
    private static NoiseMargin margin(Double margin, SettingWords words) {
        if (margin != null && !(margin > 0 && Double.isFinite(margin))) {
            throw new UsageException(Setting.NOISE_MARGIN, words.name(Setting.NOISE_MARGIN) + " must be a number > 0");
        }
        return margin == null ? null : NoiseMargin.given(margin, Wording.COMMAND_LINE.name(Setting.NOISE_MARGIN));
    }
}
