package dev.losscompare.harness.api;

import dev.losscompare.core.text.Setting;
import dev.losscompare.core.judge.Role;
import dev.losscompare.harness.UsageException;
import dev.losscompare.harness.adapter.TrainerAdapter;
import dev.losscompare.core.result.Comparison;
import dev.losscompare.harness.Console;
import dev.losscompare.harness.cache.Materialized;
import dev.losscompare.harness.engine.CaseEngine;
import dev.losscompare.harness.engine.CaseSpec;
import dev.losscompare.harness.engine.Judging;
import dev.losscompare.harness.engine.OutputFolders;
import dev.losscompare.harness.engine.ReportSink;
import dev.losscompare.harness.perf.PerfStage;
import dev.losscompare.harness.resume.ResumeRequest;
import dev.losscompare.harness.resume.ResumeStage;
import dev.losscompare.harness.engine.Seeds;
import dev.losscompare.harness.engine.Session;
import dev.losscompare.harness.engine.TrainedSide;
import dev.losscompare.harness.engine.Training;
import dev.losscompare.harness.engine.Workspace;
import dev.losscompare.harness.gate.GoldenBaseline;
import dev.losscompare.harness.gate.GoldenStore;
import dev.losscompare.harness.git.ResolvedRevision;
import dev.losscompare.harness.git.RevisionResolver;
import dev.losscompare.harness.run.Kernels;
import dev.losscompare.harness.suite.Suite;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;

/**
 * gate: the working tree's suite cases against their golden series, with the suite's [gate]
 * settings and the portable kernel set, so goldens recorded on one machine compare bitwise on
 * another. Where the environment still differs the case's tolerance applies and says so; with
 * {@link #setStrict} that is an ERROR. With a performance request (--perf, --perf-rounds, a threshold
 * or the suite's [perf] table) each case's speed and memory are compared with its golden's
 * recorded figures where the environment matches, else "not comparable". {@link UpdateGoldens}
 * re-records them.
 */
public final class Gate extends Verb<Gate, Comparison> implements SuiteVerb<Gate>, NoisyVerb<Gate>, MetricVerb<Gate>,
        TimedPerfVerb<Gate>, EnvironmentVerb<Gate> {
    /** The suite gate (and bisect --against-goldens) read when none is given. */
    public static final Path DEFAULT_SUITE = SuiteSettings.SIGNOFF;
    private final EnvironmentSettings environments = settings().environments;

    final SuiteSettings suite = settings().suite;
    Path goldenDir = GoldenStore.DEFAULT_DIR;
    boolean nativeKernels;
    private boolean strict;
    private final JudgeSettings judge = settings().judge;   // bitwise always; only the metrics are the user's
    final PerfSettings perf = settings().perf;

    Gate(LossCompare lc) {
        super(lc);
    }

    /** --suite (default configs/signoff.toml). */
    @Override
    public Gate setBaselineEnv(String name) {
        throw new UsageException(Setting.BASELINE_ENV, words().name(Setting.BASELINE_ENV) + " does not apply to gate: its baseline is the recorded goldens"
                + " (each golden file states the environment it was recorded in); choose the working tree's with "
                + words().name(Setting.TEST_ENV));
    }

    /** --golden-dir (default configs/golden). */
    public Gate setGoldenDir(Path dir) {
        this.goldenDir = dir;
        return this;
    }

    /** --strict: an environment that differs from a golden's is an ERROR, not a tolerance comparison. */
    public Gate setStrict(boolean strict) {
        this.strict = strict;
        return this;
    }

    /** --native-kernels: this machine's fastest kernels instead of the portable set (cases then compare within tolerance). */
    public Gate setNativeKernels(boolean use) {
        this.nativeKernels = use;
        return this;
    }

    @Override
    public Comparison call() throws IOException {
        Judging bitwise = judge.withoutNoise()
                .withNoise(NoiseSettings.forGate(lc.console(), judge.noise(), judge.noiseMargin(), goldenDir, words()));
        return onWorkingTree(bitwise, run -> {
            GoldenBaseline goldens = new GoldenBaseline(run.store(), run.suite().gate(), strict, run.session());
            ReportSink sink = new ReportSink(bitwise, new ReportSink.Header(lc.console().show(suite.file(lc.console(), true)),
                    run.started()), null).check(new ResumeStage(ResumeRequest.FROM_SUITE))
                    .check(new PerfStage(perf.timed(run.suite().perf())));
            try (Seeds none = Seeds.none()) {
                return CaseEngine.run(new CaseEngine.Plan(run.session(), run.training(), goldens, run.side(), run.cases(), none, 1), sink);
            }
        });
    }

    /** What gate and gate --update share: the suite read, the working tree materialized, its side, cases and session. */
    record GateRun(Suite suite, Training training, TrainedSide side, List<CaseSpec> cases, Session session, GoldenStore store,
                   Materialized tree, Instant started) {}

    interface GateWork<T> {
        T run(GateRun run) throws IOException;
    }

    /**
     * Opens the workspace with this gate's settings and runs {@code work} on the working tree,
     * guarded against Ctrl-C; {@code judging} (null: none) has its envelopes read before the output
     * folder is claimed.
     */
    <T> T onWorkingTree(Judging judging, GateWork<T> work) throws IOException {
        Console console = lc.console();
        Suite s = suite.read(console, true);
        s.trainer().checkRunnable(console.env(), words());
        TrainerAdapter trainer = environments.choose(Role.TEST, lc, s.environments(), "the suite", s.trainer());
        Training t = Training.ofGate(s.gate(), nativeKernels ? Kernels.NATIVE : Kernels.PORTABLE, timeout);
        Instant started = Instant.now();
        try (Workspace ws = lc.workspace(s, timeout)) {
            ResolvedRevision tree = ws.resolve(RevisionResolver.WORKING_TREE);
            ws.fromWorkingTree(trainer.fromWorkingTree());
            Materialized m = ws.materialize("test", tree, s.inputs(), dev.losscompare.harness.adapter.InEnvironment.of(trainer));
            Workspace.checkConfigs(s.cases(), m, console.show(suite.file(console, true)), words());
            List<CaseSpec> cases = Workspace.cases(s.cases(), m, s.gate().trainOptions());
            TrainedSide side = new TrainedSide(Role.TEST, m, s.gate().trainOptions(), trainer, null);
            if (judging != null) judging.checkNoise(cases, t, side);
            Path out = OutputFolders.create(words(), outputFolder, console.cwd(), "golden", "working-tree", started);
            Session session = ws.session(out, lc.resultCache(), buildTimeout);
            GateRun run = new GateRun(s, t, side, cases, session, new GoldenStore(console.cwd().resolve(goldenDir), words()), m, started);
            return ws.guarded(out, () -> work.run(run));
        }
    }
}
