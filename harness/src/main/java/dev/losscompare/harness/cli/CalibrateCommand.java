package dev.losscompare.harness.cli;

import dev.losscompare.core.noise.EnvelopeBuilder;
import dev.losscompare.core.noise.NoiseEnvelope;
import dev.losscompare.core.noise.NoiseEnvelopeFile;
import dev.losscompare.core.series.RunSeries;
import dev.losscompare.core.series.UnreadableSeriesException;
import dev.losscompare.core.sources.RunSources;
import dev.losscompare.core.sources.SourceOptions;
import dev.losscompare.harness.Console;
import dev.losscompare.harness.UsageException;
import dev.losscompare.harness.cache.Materialized;
import dev.losscompare.harness.git.ResolvedRevision;
import dev.losscompare.harness.noise.Calibrator;
import dev.losscompare.harness.noise.NoiseEnvelopes;
import dev.losscompare.harness.pipeline.CaseSpec;
import dev.losscompare.harness.pipeline.Judging;
import dev.losscompare.harness.pipeline.OutputFolders;
import dev.losscompare.harness.pipeline.Session;
import dev.losscompare.harness.pipeline.TrainedRevision;
import dev.losscompare.harness.pipeline.Training;
import dev.losscompare.harness.pipeline.Workspace;
import dev.losscompare.harness.suite.Suite;
import dev.losscompare.harness.suite.SuiteCase;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;

/**
 * {@code loss_compare calibrate REV [options]}: trains REV's cases K times under benign
 * perturbations and writes each case's noise envelope ({@code <case>.json} in the output folder;
 * {@code --save}: also beside the goldens, configs/noise/). {@code --from-runs A B C ...} builds
 * one from runs that already exist (A is the reference). {@code --verify=DIR}: the false-alarm
 * check, fresh perturbed runs judged against saved envelopes.
 */
@Command(name = "calibrate", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Measure the noise of a comparison: train REV's cases K times under benign perturbations (thread count, "
                + "kernel set, ranks on the same global batch, the last bit of the initial weights) and write a noise envelope "
                + "per case, for compare/gate/bisect/diff --noise.", "Exit: 0 written, 1 (--verify) a fresh run was not within noise, "
                + "2 could not calibrate."},
        footer = {"", "Examples:", "  ./loss_compare.sh calibrate HEAD --suite=configs/signoff.toml --steps=3 --portable \\",
                "      --train-options=\"--training.seq_len=64 --training.local_batch_size=2\" --save",
                "  ./loss_compare.sh calibrate --from-runs run0.jsonl run1.jsonl run2.jsonl --steps=100"})
public final class CalibrateCommand implements Callable<Integer> {
    /** Where --save writes: beside the goldens. */
    static final Path SAVED = Path.of("configs/noise");

    @ParentCommand
    LossCompareCommand root;

    @Parameters(index = "0", arity = "0..1", paramLabel = "REV", description = "The revision to calibrate.")
    String revision;

    @Mixin TrainingOptions training;
    @Mixin SuiteOptions suite;
    @Mixin RepoOptions repo;
    @Mixin OutputOptions output;
    @Mixin TimeoutOptions timeouts;

    @Option(names = "--runs", paramLabel = "K", description = "Perturbed runs per case besides the reference (default: ${DEFAULT-VALUE}; at least 2).")
    int runs = 4;

    @Option(names = "--save", description = "Also write each envelope to configs/noise/<case>.json (or --save-dir).")
    boolean save;

    @Option(names = "--save-dir", paramLabel = "DIR", description = "With --save: the folder (default: configs/noise).")
    Path saveDir;

    @Option(names = "--perturbation-seed", paramLabel = "N", description = "The first seed of the initial-weights perturbation "
            + "(default: 1; 1001 with --verify, so fresh runs never repeat a calibration's).")
    Long firstSeed;

    @Option(names = "--verify", paramLabel = "DIR", description = "Instead of calibrating: judge K fresh perturbed runs per case "
            + "against the envelopes in DIR (a false-alarm check).")
    Path verify;

    @Option(names = "--from-runs", arity = "1..*", paramLabel = "RUN", description = "Build the envelope from existing runs (JSONL, "
            + "TensorBoard folders, logs): the first is the reference. Settings are recorded from --config, --train-options, --seed.")
    List<Path> fromRuns;

    @Option(names = "--case", paramLabel = "NAME", description = "With --from-runs: the case name (default: the runs' model_flavor).")
    String caseName;

    @Option(names = "--jobs", paramLabel = "N", description = "Runs at once (default: 2 when cores >= 2 x threads, else 1).")
    Integer jobs;

    @Override
    public Integer call() throws Exception {
        Console console = root.console();
        if (saveDir != null && !save) throw new UsageException("--save-dir needs --save");
        Path saveTo = save ? console.cwd().resolve(saveDir == null ? SAVED : saveDir) : null;
        if (fromRuns != null) return fromRuns(console, saveTo);
        if (revision == null) throw new UsageException("name the revision to calibrate: loss_compare.sh calibrate REV (or --from-runs A B C)");
        suite.requireSuiteForCases();
        Training t = training.training(timeouts.timeout);
        List<String> options = training.trainOptions();
        Suite suiteRead = suite.suite == null ? null : suite.read(console);
        List<SuiteCase> suiteCases = suiteRead == null ? List.of(new SuiteCase(null, training.config, List.of())) : suiteRead.cases();
        List<String> inputs = suiteRead == null ? List.of() : suiteRead.inputs();
        Instant started = Instant.now();
        try (Workspace ws = Workspace.open(console, repo.repoDir(console), repo.cacheDir(console))) {
            ResolvedRevision rev = ws.resolve(revision);
            Materialized tree = ws.materialize("calibrate", rev, inputs);
            Workspace.checkConfigs(suiteCases, tree);
            List<CaseSpec> cases = Workspace.cases(suiteCases, tree, options);
            Path out = OutputFolders.create(output.folder(console), console.cwd(), "calibrate", revision, started);
            Session session = ws.session(out, repo.useResultCache(), timeouts.buildTimeout);
            TrainedRevision side = new TrainedRevision("baseline", tree, options, t, session, training.adapter(console, suiteRead),
                    training.ngpus(null));
            long seed = firstSeed != null ? firstSeed : verify != null ? 1001 : 1;
            Calibrator calibrator = new Calibrator(session, side, new Calibrator.Request(runs, seed,
                    suiteRead == null ? List.of() : suiteRead.perturbations(), Judging.DEFAULT_METRICS, saveTo),
                    Jobs.runsAtOnce(jobs, Threads.effective(t.threads(), options)));
            if (verify == null) return ws.guarded(out, () -> calibrator.run(cases));
            NoiseEnvelopes envelopes = new NoiseEnvelopes(console.cwd().resolve(verify), dev.losscompare.core.judge.NoiseBand.DEFAULT_MARGIN,
                    NoiseEnvelopes.Policy.ALWAYS, true, console::show);
            return ws.guarded(out, () -> calibrator.verify(cases, envelopes));
        }
    }

    /** An envelope from runs on disk: the first is the reference, every other one a perturbed run. */
    private int fromRuns(Console console, Path saveTo) throws Exception {
        if (revision != null) throw new UsageException("--from-runs builds the envelope from existing runs: give no revision");
        if (fromRuns.size() < 1 + EnvelopeBuilder.MIN_RUNS) {
            throw new UsageException("--from-runs needs the reference and at least " + EnvelopeBuilder.MIN_RUNS
                    + " more runs (got " + fromRuns.size() + ")");
        }
        List<RunSeries> series = new ArrayList<>();
        List<String> names = new ArrayList<>();
        for (Path p : fromRuns) {
            Path file = console.cwd().resolve(p);
            try {
                var sourced = RunSources.read(file, new SourceOptions(null, null, Map.of()));
                series.add(sourced.series());
            } catch (UnreadableSeriesException | IllegalArgumentException e) {
                throw new UsageException("--from-runs: " + e.getMessage());
            }
            names.add(console.show(file));
        }
        RunSeries reference = series.get(0);
        int steps = reference.steps().size();
        String name = caseName != null ? caseName : DiffCommand.caseId(reference).name();
        Instant started = Instant.now();
        Path out = OutputFolders.create(output.folder(console), console.cwd(), "calibrate", "runs", started);
        var bands = EnvelopeBuilder.bands(reference, series.subList(1, series.size()), Judging.DEFAULT_METRICS.stream()
                .filter(m -> reference.steps().stream().anyMatch(r -> r.value(m) != null)).toList(), steps, names);
        List<String> labels = names.subList(1, names.size()).stream().map(n -> "existing run " + n).toList();
        NoiseEnvelope e = new NoiseEnvelope(NoiseEnvelope.FORMAT_VERSION, name,
                new NoiseEnvelope.Settings(training.config, training.trainOptions(), training.seed, steps, training.threads),
                new NoiseEnvelope.Calibration("existing runs", null, "existing run " + names.get(0), labels.size(), labels),
                Map.of(), bands.bands(), bands.floor());
        for (Path dir : saveTo == null ? List.of(out) : List.of(out, saveTo)) {
            Path f = NoiseEnvelopeFile.inFolder(dir, name);
            NoiseEnvelopeFile.write(e, f);
            console.out().println("noise envelope of " + name + ": " + console.show(f) + " (K=" + labels.size() + " runs against "
                    + names.get(0) + ", " + steps + " steps)");
        }
        return 0;
    }
}
