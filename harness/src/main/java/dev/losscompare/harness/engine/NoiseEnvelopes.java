package dev.losscompare.harness.engine;

import dev.losscompare.core.text.SettingWords;
import dev.losscompare.core.text.Setting;
import dev.losscompare.core.judge.CaseJudge.CaseMode;
import dev.losscompare.core.judge.ComparisonMode;
import dev.losscompare.core.judge.NoiseMargin;
import dev.losscompare.core.noise.NoiseEnvelope;
import dev.losscompare.core.noise.NoiseEnvelopeFile;
import dev.losscompare.core.result.TrainerRepeats;
import dev.losscompare.harness.UsageException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

/**
 * Where a comparison's cases find their noise envelopes ({@code --noise=FILE|DIR}: a file for a
 * lone case; a calibrate output folder or a folder of saved envelopes, {@code <case>.json} each),
 * and the one rule of when a case is judged against one:
 * {@link Policy#ALWAYS} (compare, bisect, diff with --noise) or {@link Policy#WHERE_NOT_BITWISE}
 * (the gate: bitwise where the environment matches the golden's, the envelope instead of the
 * tolerance where it differs). {@code required}: a missing envelope is an ERROR (given with
 * --noise), else the case keeps its mode (the gate's default folder, configs/noise). The margin:
 * {@code --noise-margin} when given, else each envelope's own ({@link NoiseEnvelope#margin()}).
 */
public final class NoiseEnvelopes {
    public enum Policy { ALWAYS, WHERE_NOT_BITWISE }

    /** How a case runs: its settings for the mismatch check (null settings: existing runs, nothing to check but the case). */
    public record CaseSettings(String name, String config, List<String> options, long seed, List<String> metrics) {}

    /**
     * The mode a case is judged in, or the error; {@code calibratedIn}: the envelope's environment (empty without one);
     * {@code repeats}: what the envelope's plain repeats say of the trainer (null: it was not calibrated by repeats).
     */
    public record Choice(CaseMode mode, String error, Map<String, String> calibratedIn, TrainerRepeats repeats) {
        Choice(CaseMode mode, String error) {
            this(mode, error, Map.of(), null);
        }
    }

    private final Path path;
    private final NoiseMargin margin;
    private final Policy policy;
    private final boolean required;
    private final Function<Path, String> show;
    private final SettingWords words;

    /**
     * @param margin --noise-margin, or null: each case's envelope's own margin
     * @param show   how messages show a path; {@code words}: how they name a setting
     */
    public NoiseEnvelopes(Path path, NoiseMargin margin, Policy policy, boolean required, Function<Path, String> show, SettingWords words) {
        this.path = path;
        this.margin = margin;
        this.policy = policy;
        this.required = required;
        this.show = show;
        this.words = words;
    }

    /** The envelope folder beside a golden folder (configs/golden -> configs/noise). */
    public static Path besideGoldens(Path goldenDir) {
        Path parent = goldenDir.toAbsolutePath().getParent();
        return parent == null ? Path.of("noise") : parent.resolve("noise");
    }

    /** What an envelope must have been calibrated with: {@code ref}'s run of the case (null: existing runs, only the name is known). */
    public static CaseSettings settingsOf(CaseSpec c, TrainedSide ref,
                                          Training training, List<String> metrics) {
        if (ref == null) return new CaseSettings(c.id().name(), null, null, 0, metrics);
        return new CaseSettings(c.id().name(), c.suite().config(), ref.args(c, training).userOptions(), training.seed(), metrics);
    }

    /** How outputs name where the envelopes come from. */
    public String describe() {
        return "within noise (" + (margin != null ? margin.describe() : "each envelope's margin") + ", envelopes " + show.apply(path) + ")";
    }

    /**
     * Reads every envelope these cases may be judged against, before anything trains or is
     * written: one that is unreadable, invalid or shorter than the comparison's {@code steps} is a
     * {@link UsageException} naming the file. Where every case is judged against its envelope
     * ({@link Policy#ALWAYS}, required), a missing one, or one calibrated for another case, config,
     * options or seed ({@code settings}: how each case runs; null: not known yet), is one too: it
     * could only end as the case's ERROR after training.
     */
    public void check(List<CaseSpec> cases, int steps, Function<CaseSpec, CaseSettings> settings) {
        if (!Files.exists(path)) return;
        boolean every = policy == Policy.ALWAYS && required;
        for (CaseSpec c : cases) {
            Path file = Files.isDirectory(path) ? NoiseEnvelopeFile.inFolder(path, c.id().name()) : path;
            if (!Files.exists(file)) {
                if (every) throw new UsageException(UsageException.Reason.FILE, missing(file, c.id().name()));
                continue;
            }
            NoiseEnvelope e = checkFile(file, steps);
            String mismatch = every && settings != null ? mismatch(e, settings.apply(c)) : null;
            if (mismatch != null) throw new UsageException(UsageException.Reason.FILE, show.apply(file) + ": " + mismatch);
        }
    }

    private NoiseEnvelope checkFile(Path file, int steps) {
        NoiseEnvelope e;
        try {
            e = NoiseEnvelopeFile.read(file);
        } catch (IOException x) {
            throw new UsageException(UsageException.Reason.FILE, x.getMessage().replace(file.toString(), show.apply(file)));
        }
        if (e.settings().steps() < steps) {
            throw new UsageException(UsageException.Reason.FILE, show.apply(file) + ": the noise envelope covers steps 1.." + e.settings().steps() + " and this comparison runs "
                    + steps + "; calibrate it with " + words.withValue(Setting.STEPS, Integer.toString(steps)) + ", or compare " + e.settings().steps() + " steps");
        }
        return e;
    }

    private String missing(Path file, String name) {
        return "no noise envelope " + show.apply(file) + " for case " + name
                + "; calibrate it: ./loss_compare.sh calibrate REV (with this comparison's options)";
    }

    /** Why {@code e} does not measure the noise of case {@code c}, or null. */
    private static String mismatch(NoiseEnvelope e, CaseSettings c) {
        return c.config() == null
                ? (e.caseName().equals(c.name()) ? null : "the noise envelope was calibrated for case " + e.caseName() + ", not " + c.name())
                : e.mismatch(c.name(), c.config(), c.options(), c.seed(), c.metrics());
    }

    /**
     * Bitwise where the environment matches, unless the case's envelope says the trainer does not
     * repeat itself bitwise ({@link NoiseEnvelope#repeatsPart()}): then within that noise, saying
     * why. An envelope that is missing, unreadable or of other settings leaves the case bitwise
     * (the gate's envelopes are optional where the environment matches).
     */
    private Choice ownNoise(CaseSettings c, CaseMode bitwise) {
        Path file = Files.isDirectory(path) ? NoiseEnvelopeFile.inFolder(path, c.name()) : path;
        if (!Files.exists(file)) return new Choice(bitwise, null);
        NoiseEnvelope e;
        try {
            e = NoiseEnvelopeFile.read(file);
        } catch (IOException x) {
            return new Choice(bitwise, null);
        }
        if (mismatch(e, c) != null) return new Choice(bitwise, null);
        if (!e.repeatsPart()) return new Choice(bitwise, null, Map.of(), e.trainerRepeats(show.apply(file)));
        return new Choice(new CaseMode(ComparisonMode.noise(e.toBand(show.apply(file), margin)), "the trainer does not repeat itself bitwise"
                + " (its calibration's plain repeats parted from step " + e.floor().fromStep() + "), so the golden's environment"
                + " is judged within that noise too"), null, Map.of(), e.trainerRepeats(show.apply(file)));
    }

    /** The mode this case is judged in, given the one its baseline chose. */
    public Choice choose(CaseSettings c, CaseMode chosen) {
        if (policy == Policy.WHERE_NOT_BITWISE && chosen.mode().isBitwise()) return ownNoise(c, chosen);
        Path file = Files.isDirectory(path) ? NoiseEnvelopeFile.inFolder(path, c.name()) : path;
        if (!Files.exists(file)) {
            if (!required) return new Choice(chosen, null);
            return new Choice(null, missing(file, c.name()));
        }
        NoiseEnvelope e;
        try {
            e = NoiseEnvelopeFile.read(file);
        } catch (IOException x) {
            return new Choice(null, x.getMessage());
        }
        String mismatch = mismatch(e, c);
        if (mismatch != null) return new Choice(null, show.apply(file) + ": " + mismatch);
        ComparisonMode mode = ComparisonMode.noise(e.toBand(show.apply(file), margin));
        return new Choice(new CaseMode(mode, chosen.reason()), null, e.environment(), e.trainerRepeats(show.apply(file)));
    }
}
