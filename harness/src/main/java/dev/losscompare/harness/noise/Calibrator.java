package dev.losscompare.harness.noise;

import dev.losscompare.harness.Wording;
import dev.losscompare.core.text.SettingWords;
import dev.losscompare.core.text.Setting;
import dev.losscompare.core.judge.CaseJudge;
import dev.losscompare.core.judge.CaseJudge.CaseMode;
import dev.losscompare.core.judge.ComparisonMode;
import dev.losscompare.core.judge.Judgement;
import dev.losscompare.core.judge.Numbers;
import dev.losscompare.core.judge.SideResult;
import dev.losscompare.core.noise.EnvelopeBuilder;
import dev.losscompare.core.noise.NoiseEnvelope;
import dev.losscompare.core.noise.NoiseEnvelopeFile;
import dev.losscompare.core.result.MetricResult;
import dev.losscompare.core.result.Verdict;
import dev.losscompare.core.series.RunSeries;
import dev.losscompare.harness.UsageException;
import dev.losscompare.harness.adapter.OwnTrainer;
import dev.losscompare.harness.io.Sha256;
import dev.losscompare.harness.engine.CaseSpec;
import dev.losscompare.harness.engine.NoiseEnvelopes;
import dev.losscompare.harness.engine.Seeds;
import dev.losscompare.harness.engine.Session;
import dev.losscompare.harness.engine.Builds;
import dev.losscompare.harness.engine.TrainedSide;
import dev.losscompare.harness.engine.Training;
import dev.losscompare.harness.engine.VariantRuns;
import dev.losscompare.harness.engine.VariantRuns.Variant;
import dev.losscompare.harness.run.TrainerArgs;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * calibrate: per case, the revision's seed checkpoint, the unperturbed reference run (the same
 * run, and result-cache entry, as a compare's baseline) and K perturbed runs, all through the
 * result cache; then the envelope, written atomically as {@code DIR/<case>.json} (and into
 * {@code saveDir} with --save). A run that fails stops that case's envelope (ERROR, exit 2): a
 * crashed run measures no noise. Besides the K runs of the band, calibrate trains
 * {@code heldOut} perturbed runs under seeds the band never uses ({@link #HELD_OUT_SEED_OFFSET}
 * past the first) and records how far each landed in bands: the case's margin comes from them
 * ({@link NoiseEnvelope#margin()}). {@link #verify} trains fresh perturbed runs instead and judges
 * each against a saved envelope: the false-alarm check.
 */
public final class Calibrator {
    /**
     * K, the held-out runs, the first weight-flip seed, the suite's sets for other trainers, the
     * metrics, --save's folder (null: none), and whether the runs share a seed checkpoint (false:
     * --no-seed-checkpoint or a trainer file's seed = "none"; each run initializes itself from the seed).
     */
    public record Request(int runs, int heldOut, long firstSeed, List<Perturbation.OptionSet> listed, List<String> metrics, Path saveDir,
                          boolean seedCheckpoint) {}

    /**
     * The held-out runs' first weight-flip seed is this far past the band's: seeds 501.. by
     * default, never the band's 1..K nor --verify's 1001.. (so each count stays at most this).
     */
    public static final int HELD_OUT_SEED_OFFSET = 500;

    private final Session session;
    private final Training training;
    private final TrainedSide revision;
    private final Request request;
    private final int jobs;

    public Calibrator(Session session, Training training, TrainedSide revision, Request request, int jobs) {
        checkRuns(request.runs(), Wording.COMMAND_LINE);
        checkHeldOut(request.heldOut(), Wording.COMMAND_LINE);
        this.session = session;
        this.training = training;
        this.revision = revision;
        this.request = request;
        this.jobs = jobs;
    }

    /** --runs, checked: verbs call it before anything is trained or written. */
    public static int checkRuns(int runs, SettingWords words) {
        if (runs < EnvelopeBuilder.MIN_RUNS) {
            throw new UsageException(Setting.RUNS, words.name(Setting.RUNS) + " must be at least " + EnvelopeBuilder.MIN_RUNS
                    + " (perturbed runs besides the reference; one run's distance is a sample, not a spread), got " + runs);
        }
        if (runs > HELD_OUT_SEED_OFFSET) {
            throw new UsageException(Setting.RUNS, words.name(Setting.RUNS) + " takes 2.." + HELD_OUT_SEED_OFFSET + " (the held-out runs' seeds start past them), got " + runs);
        }
        return runs;
    }

    /** --held-out: 0.. HELD_OUT_SEED_OFFSET, so the held-out seeds stay apart from --verify's. */
    public static int checkHeldOut(int heldOut, SettingWords words) {
        if (heldOut < 0 || heldOut > HELD_OUT_SEED_OFFSET) {
            throw new UsageException(Setting.HELD_OUT, words.name(Setting.HELD_OUT) + " takes 0.." + HELD_OUT_SEED_OFFSET + " (their seeds must stay apart"
                    + " from the band's and " + words.name(Setting.VERIFY) + "'s), got " + heldOut);
        }
        return heldOut;
    }

    /** Calibrates every case; 0 when every envelope was written, 2 when one could not be. */
    public int run(List<CaseSpec> cases) throws IOException {
        return eachCase(cases, (c, caseDir, seed) -> calibrate(c, caseDir, seed));
    }

    /**
     * Trains {@code runs} fresh perturbed runs per case (seeds from the request's first seed) and
     * judges each against the reference run in noise mode with its envelope from {@code envelopes}:
     * exit 0 when none fails, 1 when one does, 2 when a case could not be decided.
     */
    public int verify(List<CaseSpec> cases, NoiseEnvelopes envelopes) throws IOException {
        int[] fails = {0};
        int exit = eachCase(cases, (c, caseDir, seed) -> {
            TrainerArgs base = revision.args(c, training);
            List<Perturbation> fresh = perturbations(base, request.runs(), request.firstSeed(), 1);
            Trained t = train(c, caseDir, seed, base, fresh, fresh.size());
            if (t.error() != null) return t.error();
            var choice = envelopes.choose(NoiseEnvelopes.settingsOf(c, revision, training, request.metrics()), CaseMode.requested(ComparisonMode.bitwise()));
            if (choice.error() != null) return choice.error();
            double widest = 0;
            int failed = 0;
            for (int i = 1; i < t.results().size(); i++) {
                Judgement j = CaseJudge.judge(c.id(), t.results().get(0), t.results().get(i), request.metrics(), choice.mode(),
                        base.steps(), base.steps());
                for (MetricResult m : j.result().metrics()) if (m.noiseMultiple() != null) widest = Math.max(widest, m.noiseMultiple());
                if (j.result().verdict() != Verdict.PASS) failed++;
                session.console().out().println("fresh run " + i + " (" + fresh.get(i - 1).label() + "): " + j.verdictLine());
            }
            fails[0] += failed;
            session.console().out().println("false-alarm check of " + c.id().label() + ": " + fresh.size() + " fresh perturbed runs, "
                    + failed + " not within noise; largest deviation " + Numbers.multiple(widest) + "\u00d7 the measured noise");
            return null;
        });
        return exit != 0 ? exit : fails[0] > 0 ? 1 : 0;
    }

    private interface CaseWork {
        /** @return the error line, or null */
        String run(CaseSpec c, Path caseDir, Seeds.Seed seed) throws IOException;
    }

    private int eachCase(List<CaseSpec> cases, CaseWork work) throws IOException {
        String buildError = Builds.build(session, revision);
        if (buildError != null) {
            session.console().err().println("ERROR: " + buildError);
            return 2;
        }
        int exit = 0;
        try (Seeds seeds = Seeds.by(request.seedCheckpoint() ? revision : null, session, training)) {
            for (CaseSpec c : cases) {
                session.console().out().println("== " + c.id().label());
                Path caseDir = Files.createDirectories(session.out().resolve(c.id().name()));
                Seeds.Seed seed = seeds.of(c, caseDir);
                String error = seed.error() != null ? seed.error() : work.run(c, caseDir, seed);
                if (error != null) {
                    session.console().err().println("ERROR " + c.id().label() + ": " + error);
                    exit = 2;
                }
            }
        }
        return exit;
    }

    private String calibrate(CaseSpec c, Path caseDir, Seeds.Seed seed) throws IOException {
        TrainerArgs base = revision.args(c, training);
        int k = request.runs();
        List<Perturbation> perturbations = perturbations(base, k, request.firstSeed(), 1);
        List<Perturbation> heldOut = perturbations(base, request.heldOut(), request.firstSeed() + HELD_OUT_SEED_OFFSET, k + 1);
        List<Perturbation> all = new ArrayList<>(perturbations);
        all.addAll(heldOut);
        Trained t = train(c, caseDir, seed, base, all, k);
        if (t.error() != null) return t.error();
        List<RunSeries> series = t.results().stream().map(SideResult::series).toList();
        RunSeries reference = series.get(0);
        NoiseEnvelope envelope;
        try {
            // Every run starting from flipped weights has parted from the reference before step 1.
            boolean fromTheStart = perturbations.stream().allMatch(p -> p.weights() != null);
            var bands = EnvelopeBuilder.bands(reference, series.subList(1, k + 1), request.metrics(), base.steps(),
                    t.names().subList(0, k + 1), fromTheStart);
            // Plain repeats that parted anywhere: the trainer itself is the noise, and it enters with step 1's
            // reductions; another draw may part a step earlier than these K did (a GPU-like trainer).
            if (bands.floor() != null && perturbations.stream().allMatch(p -> p instanceof Perturbation.Repeat)) {
                bands = EnvelopeBuilder.bands(reference, series.subList(1, k + 1), request.metrics(), base.steps(),
                        t.names().subList(0, k + 1), true);
            }
            NoiseEnvelope.HeldOut tail = heldOut.isEmpty() ? null : EnvelopeBuilder.heldOut(reference, series.subList(k + 1, series.size()),
                    bands.bands(), base.steps(), t.names().subList(k + 1, series.size()), heldOut.stream().map(Perturbation::label).toList());
            envelope = envelope(c, base, perturbations, reference, bands, tail);
        } catch (EnvelopeBuilder.CalibrationException e) {
            return e.message(Wording.COMMAND_LINE);   // the case's error, in the outputs: the command line's words
        }
        PrintStream out = session.console().out();
        Path file = NoiseEnvelopeFile.inFolder(session.out(), c.id().name());
        NoiseEnvelopeFile.write(envelope, file);
        out.println("noise envelope of " + c.id().label() + ": " + session.show(file) + " (" + summary(envelope) + ")");
        if (request.saveDir() != null) {
            Path saved = NoiseEnvelopeFile.inFolder(request.saveDir(), c.id().name());
            NoiseEnvelopeFile.write(envelope, saved);
            out.println("saved: " + session.show(saved));
        }
        return null;
    }

    /**
     * {@code count} perturbations of a run: this repository's trainer's own (weight flips from
     * {@code firstSeed}), else the suite's sets or repeats (numbered from {@code firstNumber}).
     */
    private List<Perturbation> perturbations(TrainerArgs base, int count, long firstSeed, int firstNumber) throws IOException {
        return revision.adapter().base() == OwnTrainer.INSTANCE ? Perturbations.ownTrainer(base, count, firstSeed)
                : Perturbations.listed(request.listed(), count, firstNumber);
    }

    /** The reference and the perturbed runs of a case, in that order, or the error that stopped one. */
    private record Trained(List<SideResult> results, List<String> names, String error) {}

    /** @param bandRuns how many of {@code perturbations} measure the band ("run1".."runK"); the rest are held out ("held-out1"..) */
    private Trained train(CaseSpec c, Path caseDir, Seeds.Seed seed, TrainerArgs base, List<Perturbation> perturbations, int bandRuns)
            throws IOException {
        List<Variant> variants = new ArrayList<>();
        List<Path> flipped = new ArrayList<>();
        variants.add(new Variant("reference", base, seed.file(), seed.key()));
        try {
            for (int i = 0; i < perturbations.size(); i++) {
                String name = i < bandRuns ? "run" + (i + 1) : "held-out" + (i - bandRuns + 1);
                variants.add(variant(perturbations.get(i), name, base, seed, caseDir, flipped));
            }
            List<SideResult> results = VariantRuns.run(session, training, revision, caseDir, variants, jobs);
            for (int i = 0; i < results.size(); i++) {
                if (results.get(i).failed()) {
                    String what = variants.get(i).name() + (i == 0 ? "" : " (" + perturbations.get(i - 1).label() + ")");
                    return new Trained(results, null, what + ": " + results.get(i).info().error());
                }
            }
            return new Trained(results, variants.stream().map(Variant::name).toList(), null);
        } finally {
            for (Path p : flipped) Files.deleteIfExists(p);
        }
    }

    /** A perturbed run: its arguments, and for the weights a flipped copy of the seed checkpoint under its own cache key. */
    private static Variant variant(Perturbation p, String name, TrainerArgs base, Seeds.Seed seed, Path caseDir, List<Path> flipped)
            throws IOException {
        Perturbation.InitialWeights w = p.weights();
        if (w == null) return new Variant(name, p.apply(base), seed.file(), seed.key());
        if (seed.file() == null) throw new UsageException("the initial-weights perturbation needs a seed checkpoint");
        Path file = caseDir.resolve(name + "." + seed.file().getFileName());
        flipped.add(file);
        WeightFlip.write(seed.file(), file, w.seed(), w.fraction());
        return new Variant(name, p.apply(base), file, Sha256.hex(String.valueOf(seed.key()), w.label()));
    }

    private NoiseEnvelope envelope(CaseSpec c, TrainerArgs base, List<Perturbation> perturbations, RunSeries reference,
                                   EnvelopeBuilder.Bands bands, NoiseEnvelope.HeldOut heldOut) {
        var rev = revision.tree().revision();
        return new NoiseEnvelope(NoiseEnvelope.FORMAT_VERSION, c.id().name(),
                new NoiseEnvelope.Settings(c.suite().config(), base.userOptions(), base.seed(), base.steps(), base.threads()),
                new NoiseEnvelope.Calibration(rev.spec(), rev.commitId(), "the unperturbed run (" + base.threads() + " thread(s), "
                        + base.kernels().name().toLowerCase(java.util.Locale.ROOT) + " kernels, " + base.ngpus() + " rank(s))",
                        perturbations.size(), perturbations.stream().map(Perturbation::label).toList()),
                environmentOf(reference), bands.bands(), bands.floor(), heldOut);
    }

    /** The facts of the reference run that decide its bits (as a golden records them). */
    static Map<String, String> environmentOf(RunSeries run) {
        Map<String, String> env = new TreeMap<>();
        for (String k : List.of("torch_version", "device", "cpu_capability", "blas_core", "kernels", "threads")) {
            Object v = run.meta().get(k);
            if (v != null) env.put(k, String.valueOf(v));
        }
        return env;
    }

    /**
     * "K=4; widest band: grad_norm 1.2e-6 at step 3, loss 3.1e-7 at step 3; 8 held-out runs, largest
     * grad_norm 1.7×, loss 1×; margin 3.4× from 8 held-out runs (2 × their largest 1.7×)".
     */
    static String summary(NoiseEnvelope e) {
        List<String> parts = new ArrayList<>();
        e.bands().forEach((metric, band) -> {
            int widest = 0;
            for (int i = 1; i < band.size(); i++) if (band.get(i) > band.get(widest)) widest = i;
            parts.add(metric + " " + Numbers.sci(band.get(widest)) + " at step " + (widest + 1));
        });
        String tail = "";
        if (e.heldOut() != null) {
            List<String> largest = new ArrayList<>();
            e.heldOut().multiples().forEach((metric, m) -> largest.add(metric + " "
                    + Numbers.multiple(m.stream().mapToDouble(Double::doubleValue).max().orElse(0)) + "\u00d7"));
            tail = "; " + e.heldOut().runs() + " held-out runs, largest " + String.join(", ", largest);
        }
        return "K=" + e.calibration().runs() + "; widest band: " + String.join(", ", parts) + tail + "; " + e.margin().describe();
    }
}
