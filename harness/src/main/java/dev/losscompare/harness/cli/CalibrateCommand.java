package dev.losscompare.harness.cli;

import dev.losscompare.core.judge.NoiseBand;
import dev.losscompare.core.judge.NoiseMargin;
import dev.losscompare.harness.UsageException;
import dev.losscompare.harness.noise.Calibrator;
import dev.losscompare.harness.api.Calibrate;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
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

    @ArgGroup(validate = false, heading = Sections.TRAINING, order = 2) TrainingOptions training = new TrainingOptions();
    @ArgGroup(validate = false, heading = Sections.WHAT, order = 1) SuiteOptions suite = new SuiteOptions();
    @ArgGroup(validate = false, heading = Sections.REPOSITORY, order = 11) RepoOptions repo = new RepoOptions();
    @ArgGroup(validate = false, heading = Sections.OUTPUT, order = 12) OutputOptions output = new OutputOptions();
    @ArgGroup(validate = false, heading = Sections.RUNS, order = 10) TimeoutOptions timeouts = new TimeoutOptions();
    @ArgGroup(validate = false, heading = Sections.ENVIRONMENTS, order = 8) EnvironmentOptions environments = new EnvironmentOptions();

    @ArgGroup(validate = false, heading = Sections.CALIBRATION, order = 0) Own own = new Own();

    /** The options only calibrate takes: a --help section of their own, first. */
    static final class Own {
        @Option(names = "--runs", paramLabel = "K", description = "Perturbed runs per case besides the reference (default: ${DEFAULT-VALUE}; at least 2).")
        int runs = Calibrate.DEFAULT_RUNS;

        @Option(names = "--held-out", paramLabel = "N", description = "Perturbed runs per case the band never sees (weight-flip seeds from "
                + (1 + Calibrator.HELD_OUT_SEED_OFFSET) + "); the case's margin is " + (int) NoiseMargin.HEADROOM + "x the largest multiple of the "
                + "band they reach, at least " + (int) NoiseMargin.FLOOR + " (default: ${DEFAULT-VALUE}; 0: none, the default margin "
                + (int) NoiseBand.DEFAULT_MARGIN + ").")
        int heldOut = Calibrate.DEFAULT_HELD_OUT;

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
    }

    @Override
    public Integer call() throws Exception {
        if (own.saveDir != null && !own.save) throw new UsageException("--save-dir needs --save");
        Calibrate calibrate = training.applyTo(repo.open(root.console()).calibrate(revision), List.of()).setRuns(own.runs).setHeldOut(own.heldOut);
        suite.applyTo(calibrate);
        output.applyTo(calibrate);
        timeouts.applyTo(calibrate);
        environments.applyTo(calibrate);
        if (own.save) calibrate.setSaveDir(own.saveDir == null ? SAVED : own.saveDir);
        if (own.firstSeed != null) calibrate.setPerturbationSeed(own.firstSeed);
        if (own.verify != null) calibrate.setVerify(own.verify);
        if (own.fromRuns != null) calibrate.setFromRuns(own.fromRuns);
        if (own.caseName != null) calibrate.setCaseName(own.caseName);
        if (own.jobs != null) calibrate.setJobs(own.jobs);
        return calibrate.call().exitCode();
    }
}
