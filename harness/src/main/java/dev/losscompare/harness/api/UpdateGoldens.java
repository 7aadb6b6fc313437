package dev.losscompare.harness.api;

import dev.losscompare.core.perf.PerfThresholds;
import dev.losscompare.harness.perf.PerfRequest;
import dev.losscompare.harness.engine.CaseEngine;
import dev.losscompare.harness.engine.Seeds;
import dev.losscompare.harness.gate.GoldenSink;
import dev.losscompare.harness.gate.GoldenUpdate;
import dev.losscompare.core.series.DefaultMetrics;
import dev.losscompare.harness.noise.Calibrator;
import dev.losscompare.harness.engine.NoiseEnvelopes;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;

/**
 * gate --update: records new goldens from the working tree (the suite's [gate] settings, the
 * portable kernels) and says per case what changed ({@link GoldenUpdate}).
 */
public final class UpdateGoldens extends Verb<UpdateGoldens, GoldenUpdate> implements SuiteVerb<UpdateGoldens> {
    private final Gate gate;
    private Integer calibrateRuns;   // null: no calibration
    private int heldOut = Calibrate.DEFAULT_HELD_OUT;
    private Path noiseDir;
    private Integer perfRounds;   // null: the performance figures of the recorded run

    UpdateGoldens(LossCompare lc) {
        this(new Gate(lc));
    }

    /** The gate it records for, sharing its settings: --suite and --cases set the gate's suite. */
    private UpdateGoldens(Gate gate) {
        super(gate.lc, gate.settings());
        this.gate = gate;
    }

    /** --golden-dir (default configs/golden). */
    public UpdateGoldens setGoldenDir(Path dir) {
        gate.setGoldenDir(dir);
        return this;
    }

    /** --native-kernels: record with this machine's fastest kernels. */
    public UpdateGoldens setNativeKernels(boolean use) {
        gate.setNativeKernels(use);
        return this;
    }

    /**
     * --calibrate [--runs=K] [--noise=DIR]: after recording, calibrate each case's noise envelope
     * into DIR (default: configs/noise beside the goldens), used where a later environment differs.
     */
    public UpdateGoldens setCalibrate(int runs, Path dirOrNull) {
        this.calibrateRuns = Calibrator.checkRuns(runs, words());
        this.noiseDir = lc.resolve(dirOrNull);
        if (noiseDir != null) dev.losscompare.harness.engine.OutputFolders.checkFolder(noiseDir, dev.losscompare.core.text.Setting.NOISE, words().name(dev.losscompare.core.text.Setting.NOISE));
        return this;
    }

    /** --held-out=N with --calibrate: held-out runs per case (default {@link Calibrate#DEFAULT_HELD_OUT}). */
    public UpdateGoldens setHeldOut(int runs) {
        this.heldOut = Calibrator.checkHeldOut(runs, words());
        return this;
    }

    /** --perf-rounds: record each golden's speed and memory from N rounds timed one run at a time (default: its recorded run's). */
    public UpdateGoldens setPerfRounds(int rounds) {
        gate.perf.rounds(rounds);
        this.perfRounds = rounds;
        return this;
    }

    @Override
    public GoldenUpdate call() throws IOException {
        gate.outputFolder = outputFolder;
        gate.timeout = timeout;
        gate.buildTimeout = buildTimeout;
        return gate.onWorkingTree(null, run -> {
            String commit = run.tree().revision().commitId() == null ? "working tree" : run.tree().revision().commitId();
            GoldenSink sink = new GoldenSink(run.store(), run.suite().gate(), run.tree().dir(), commit,
                    perfRounds == null ? null : new PerfRequest(PerfThresholds.NONE, perfRounds));
            GoldenUpdate recorded;
            try (Seeds none = Seeds.none()) {
                recorded = CaseEngine.run(new CaseEngine.Plan(run.session(), run.training(), null, run.side(), run.cases(), none, 1), sink);
            }
            if (calibrateRuns == null || recorded.exitCode() != 0) return recorded;
            Path dir = noiseDir != null ? noiseDir : NoiseEnvelopes.besideGoldens(run.store().dir());
            Calibrator calibrator = new Calibrator(run.session(), run.training(), run.side(), new Calibrator.Request(calibrateRuns,
                    heldOut, 1, run.suite().perturbations(), DefaultMetrics.ALL, dir, run.side().adapter().seedCheckpoint()),
                    Jobs.runsAtOnce(null, run.training().threads(), words()));
            int calibrated = calibrator.run(run.cases());
            return calibrated == 0 ? recorded : new GoldenUpdate(recorded.lines(), false);
        });
    }
}
