package dev.losscompare.harness.api;

import dev.losscompare.harness.Wording;
import dev.losscompare.core.text.Setting;
import dev.losscompare.core.judge.Role;
import dev.losscompare.core.noise.EnvelopeBuilder;
import dev.losscompare.core.noise.NoiseEnvelope;
import dev.losscompare.core.noise.NoiseEnvelopeFile;
import dev.losscompare.core.result.ExitCode;
import dev.losscompare.core.series.DefaultMetrics;
import dev.losscompare.core.series.RunSeries;
import dev.losscompare.core.series.UnreadableSeriesException;
import dev.losscompare.core.sources.RunSources;
import dev.losscompare.core.sources.SourceOptions;
import dev.losscompare.core.sources.SourcedSeries;
import dev.losscompare.harness.Console;
import dev.losscompare.harness.UsageException;
import dev.losscompare.harness.adapter.OwnTrainer;
import dev.losscompare.harness.adapter.TrainerAdapter;
import dev.losscompare.harness.cache.Materialized;
import dev.losscompare.harness.engine.CaseSpec;
import dev.losscompare.harness.engine.OutputFolders;
import dev.losscompare.harness.engine.Session;
import dev.losscompare.harness.engine.TrainedSide;
import dev.losscompare.harness.engine.Training;
import dev.losscompare.harness.engine.Workspace;
import dev.losscompare.harness.git.ResolvedRevision;
import dev.losscompare.harness.noise.Calibrator;
import dev.losscompare.harness.engine.NoiseEnvelopes;
import dev.losscompare.harness.suite.Suite;
import dev.losscompare.harness.suite.SuiteCase;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * calibrate: trains a revision's cases K times under benign perturbations and writes each case's
 * noise envelope ({@link Calibrator}); {@link #setVerify} judges fresh perturbed runs against saved
 * envelopes instead (the false-alarm check); {@link #setFromRuns} builds one from runs on disk.
 */
public final class Calibrate extends TrainingVerb<Calibrate, CalibrationResult> implements SuiteVerb<Calibrate>,
        EnvironmentVerb<Calibrate> {
    public static final int DEFAULT_RUNS = 4;
    /** Held-out runs per case: enough to see a case's usual tail at the gate's shapes (README: the margins and the false-alarm check). */
    public static final int DEFAULT_HELD_OUT = 8;
    private static final long FIRST_SEED = 1;
    private static final long FIRST_VERIFY_SEED = 1001;   // fresh runs never repeat a calibration's seeds

    private final String revision;
    private final SuiteSettings suite = settings().suite;
    private int runs = DEFAULT_RUNS;
    private int heldOut = DEFAULT_HELD_OUT;
    private Path saveDir;
    private Long firstSeed;
    private Path verify;
    private List<Path> fromRuns;
    private String caseName;
    private Integer jobs;

    Calibrate(LossCompare lc, String revision) {
        super(lc);
        this.revision = revision;
    }

    /** --runs: perturbed runs per case besides the reference (at least 2). */
    public Calibrate setRuns(int runs) {
        this.runs = Calibrator.checkRuns(runs, words());
        return this;
    }

    /** --held-out: perturbed runs per case the band never sees, whose landing sets the case's margin (0: none, the default margin). */
    public Calibrate setHeldOut(int runs) {
        this.heldOut = Calibrator.checkHeldOut(runs, words());
        return this;
    }

    /** --save / --save-dir: also write each envelope into this folder (e.g. configs/noise). */
    public Calibrate setSaveDir(Path dir) {
        this.saveDir = lc.resolve(dir);
        return this;
    }

    /** --perturbation-seed: the first seed of the initial-weights perturbation (default 1; 1001 with --verify). */
    public Calibrate setPerturbationSeed(long seed) {
        this.firstSeed = seed;
        return this;
    }

    /** --verify=DIR: judge fresh perturbed runs against the envelopes in DIR instead of calibrating. */
    public Calibrate setVerify(Path envelopes) {
        this.verify = lc.resolve(envelopes);
        return this;
    }

    /** --from-runs: build the envelope from existing runs; the first is the reference. No revision then. */
    public Calibrate setFromRuns(List<Path> runs) {
        this.fromRuns = runs.stream().map(lc::resolve).toList();
        return this;
    }

    /** --case: with --from-runs, the case name (default: the runs' model_flavor). */
    public Calibrate setCaseName(String name) {
        this.caseName = name;
        return this;
    }

    /** --jobs: runs at once. */
    public Calibrate setJobs(int jobs) {
        this.jobs = jobs;
        return this;
    }

    @Override
    public CalibrationResult call() throws IOException {
        if (fromRuns != null && environments.given()) {
            throw new UsageException(Setting.BASELINE_ENV, words().name(Setting.BASELINE_ENV) + " has no effect with " + words().name(Setting.FROM_RUNS)
                    + ": those runs exist already");
        }
        if (fromRuns != null) return fromRuns();
        if (revision == null) {
            throw new UsageException("name the revision to calibrate: " + words().command(Wording.Call.CALIBRATE, "REV")
                    + " (or " + words().withValues(Setting.FROM_RUNS, "A", "B", "C") + ")");
        }
        Console console = lc.console();
        NoiseEnvelopes verifying = verifying(console);
        if (saveDir != null) OutputFolders.checkFolder(saveDir, Setting.SAVE_DIR, words().name(Setting.SAVE_DIR));
        Suite suiteRead = suite.read(console, false);
        Training t = training(suiteRead);
        List<String> options = trainOptions();
        List<SuiteCase> suiteCases = suiteRead == null ? List.of(new SuiteCase(null, config(), List.of())) : suiteRead.cases();
        List<String> inputs = suiteRead == null ? List.of() : suiteRead.inputs();
        String suiteLabel = suiteRead == null ? null : console.show(suite.file(console, false));
        environments.onlyBaseline("calibrate");
        TrainerAdapter adapter = adapter(suiteRead, Role.BASELINE);
        if (!seedCheckpoint(adapter) && adapter.base() == OwnTrainer.INSTANCE) {
            throw new UsageException(Setting.SEED_CHECKPOINT, "calibrate perturbs this trainer's initial weights through the seed checkpoint: drop "
                    + words().name(Setting.SEED_CHECKPOINT) + " (trainers without one, seed = \"none\" in a trainer file, are calibrated by repeats"
                    + " or the suite's [[perturbation]] sets)");
        }
        Calibrator.Request request = new Calibrator.Request(runs, verify == null ? heldOut : 0, firstSeed != null ? firstSeed : verify != null ? FIRST_VERIFY_SEED : FIRST_SEED,
                suiteRead == null ? List.of() : suiteRead.perturbations(), DefaultMetrics.ALL, saveDir, seedCheckpoint(adapter));
        try (Workspace ws = lc.workspace(suiteRead, timeout)) {
            ResolvedRevision rev = ws.resolve(revision);
            ws.fromWorkingTree(adapter.fromWorkingTree());
            Materialized tree = ws.materialize("calibrate", rev, inputs, dev.losscompare.harness.adapter.InEnvironment.of(adapter));
            Workspace.checkConfigs(suiteCases, tree, suiteLabel, words());
            List<CaseSpec> cases = Workspace.cases(suiteCases, tree, options);
            TrainedSide side = new TrainedSide(Role.BASELINE, tree, options, adapter, ngpus());
            if (verifying != null) verifying.check(cases, t.steps(), c -> NoiseEnvelopes.settingsOf(c, side, t, request.metrics()));
            Path out = OutputFolders.create(words(), outputFolder, console.cwd(), "calibrate", revision, Instant.now());
            Session session = ws.session(out, lc.resultCache(), buildTimeout);
            Calibrator calibrator = new Calibrator(session, t, side, request, Jobs.runsAtOnce(jobs, Threads.effective(t.threads(), options), words()));
            int exit = ws.guarded(out, () -> verifying == null ? calibrator.run(cases) : calibrator.verify(cases, verifying));
            return new CalibrationResult(out, exit);
        }
    }

    /** --verify's envelopes, checked before anything trains (null: calibrating, not verifying). */
    private NoiseEnvelopes verifying(Console console) {
        if (verify == null) return null;
        if (saveDir != null) {
            throw new UsageException(Setting.VERIFY, words().name(Setting.VERIFY) + " judges fresh runs against saved envelopes and writes none: drop "
                    + words().anyOf(Setting.SAVE, Setting.SAVE_DIR));
        }
        if (!java.nio.file.Files.exists(verify)) {
            throw new UsageException(UsageException.Reason.FILE, Setting.VERIFY, words().name(Setting.VERIFY) + ": no such file or folder: " + console.show(verify)
                    + " (a calibrate output folder, or a folder of saved envelopes such as configs/noise)");
        }
        return new NoiseEnvelopes(verify, null, NoiseEnvelopes.Policy.ALWAYS, true, console::show, words());   // each envelope's own margin
    }

    /** An envelope from runs on disk: the first is the reference, every other one a perturbed run. */
    private CalibrationResult fromRuns() throws IOException {
        Console console = lc.console();
        String fromRunsName = words().name(Setting.FROM_RUNS);
        if (revision != null) throw new UsageException(Setting.FROM_RUNS, fromRunsName + " builds the envelope from existing runs: give no revision");
        if (verify != null) {
            throw new UsageException(Setting.VERIFY, words().name(Setting.VERIFY) + " trains fresh runs of a revision; it cannot be combined with " + fromRunsName);
        }
        if (saveDir != null) OutputFolders.checkFolder(saveDir, Setting.SAVE_DIR, words().name(Setting.SAVE_DIR));
        if (fromRuns.size() < 1 + EnvelopeBuilder.MIN_RUNS) {
            throw new UsageException(Setting.FROM_RUNS, fromRunsName + " needs the reference and at least " + EnvelopeBuilder.MIN_RUNS
                    + " more runs (got " + fromRuns.size() + ")");
        }
        List<RunSeries> series = new ArrayList<>();
        List<String> names = new ArrayList<>();
        SourcedSeries first = null;
        for (Path file : fromRuns) {
            try {
                SourcedSeries sourced = RunSources.read(file, SourceOptions.detect(words()));
                if (first == null) first = sourced;
                series.add(sourced.series());
            } catch (UnreadableSeriesException | IllegalArgumentException e) {
                throw new UsageException(Setting.FROM_RUNS, fromRunsName + ": " + e.getMessage());
            }
            names.add(console.show(file));
        }
        RunSeries reference = series.get(0);
        // N is --steps, else the longest run's last step: every run, the reference first, must have steps 1..N.
        int steps = stepsGiven() != null ? training().steps()
                : series.stream().flatMap(r -> r.steps().stream()).mapToInt(r -> r.step()).max().orElse(0);
        String name = caseName != null ? caseName : Diff.caseId(first).name();
        EnvelopeBuilder.Bands bands;
        try {
            bands = EnvelopeBuilder.bands(reference, series.subList(1, series.size()), DefaultMetrics.ALL.stream()
                    .filter(m -> reference.steps().stream().anyMatch(r -> r.value(m) != null)).toList(), steps, names);
        } catch (EnvelopeBuilder.CalibrationException e) {
            throw new UsageException(Setting.FROM_RUNS, fromRunsName + ": " + e.message(words()));
        }
        Training t = training();
        List<String> labels = names.subList(1, names.size()).stream().map(n -> "existing run " + n).toList();
        NoiseEnvelope e = new NoiseEnvelope(NoiseEnvelope.FORMAT_VERSION, name,
                new NoiseEnvelope.Settings(config(), trainOptions(), t.seed(), steps, t.threads()),
                new NoiseEnvelope.Calibration("existing runs", null, "existing run " + names.get(0), labels.size(), labels),
                Map.of(), bands.bands(), bands.floor());
        // The output folder only once the envelope exists: a refused --from-runs leaves no folder behind.
        Path out = OutputFolders.create(words(), outputFolder, console.cwd(), "calibrate", "runs", Instant.now());
        return OutputFolders.owned(out, () -> {
            for (Path dir : saveDir == null ? List.of(out) : List.of(out, saveDir)) {
                Path f = NoiseEnvelopeFile.inFolder(dir, name);
                NoiseEnvelopeFile.write(e, f);
                console.out().println("noise envelope of " + name + ": " + console.show(f) + " (K=" + labels.size() + " runs against "
                        + names.get(0) + ", " + steps + " steps; " + e.margin().describe() + ")");
            }
            return new CalibrationResult(out, ExitCode.MATCH);
        });
    }
}
