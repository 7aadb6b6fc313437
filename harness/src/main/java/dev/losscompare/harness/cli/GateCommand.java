package dev.losscompare.harness.cli;

import dev.losscompare.core.judge.ComparisonMode;
import dev.losscompare.harness.Console;
import dev.losscompare.harness.cache.Materialized;
import dev.losscompare.harness.gate.GoldenSink;
import dev.losscompare.harness.gate.GoldenStore;
import dev.losscompare.harness.git.ResolvedRevision;
import dev.losscompare.harness.git.RevisionResolver;
import dev.losscompare.harness.pipeline.CaseSpec;
import dev.losscompare.harness.pipeline.ComparePipeline;
import dev.losscompare.harness.resume.ResumeRequest;
import dev.losscompare.harness.resume.ResumeStage;
import dev.losscompare.harness.pipeline.GoldenBaseline;
import dev.losscompare.harness.pipeline.Judging;
import dev.losscompare.harness.pipeline.OutputFolders;
import dev.losscompare.harness.pipeline.RecordPipeline;
import dev.losscompare.harness.pipeline.Session;
import dev.losscompare.harness.pipeline.TrainedRevision;
import dev.losscompare.harness.pipeline.Training;
import dev.losscompare.harness.pipeline.Workspace;
import dev.losscompare.harness.run.Kernels;
import dev.losscompare.harness.suite.GateSettings;
import dev.losscompare.harness.suite.Suite;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;

/**
 * {@code loss_compare gate [--update] [--strict]}: the working tree's suite cases against their
 * golden series, with the suite's [gate] settings and the portable kernel set (so goldens recorded
 * on one machine compare bitwise on another). Where the environment still differs, the case's
 * tolerance applies and every output says so; --strict makes that an ERROR instead.
 */
@Command(name = "gate", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Compare the working tree's suite cases with their golden series (configs/golden/<case>.json); "
                + "--update re-records the goldens.", "Exit: 0 all match, 1 a difference, 2 could not decide."})
public final class GateCommand implements Callable<Integer> {
    @ParentCommand
    LossCompareCommand root;

    @Mixin SuiteOptions suite;
    @Mixin RepoOptions repo;
    @Mixin OutputOptions output;
    @Mixin TimeoutOptions timeouts;

    @Option(names = "--golden-dir", paramLabel = "DIR", description = "Where the goldens live (default: configs/golden).")
    Path goldenDir = GoldenStore.DEFAULT_DIR;

    @Option(names = "--update", description = "Record new goldens from the working tree and print what changed per case.")
    boolean update;

    @Option(names = "--strict", description = "An environment that differs from a golden's is an ERROR, not a tolerance comparison.")
    boolean strict;

    @Option(names = "--native-kernels", description = "Run with this machine's fastest kernels instead of the portable set "
            + "(the goldens' environment then differs, and cases compare within tolerance).")
    boolean nativeKernels;

    @Override
    public Integer call() throws Exception {
        Console console = root.console();
        suite.defaultToSignoff();
        if (update && strict) throw new dev.losscompare.harness.UsageException("--strict applies to checking goldens, not to --update");
        Suite s = suite.read(console);
        GateSettings gate = s.gate();
        Training t = Training.ofGate(gate, nativeKernels ? Kernels.NATIVE : Kernels.PORTABLE, timeouts.timeout);
        Instant started = Instant.now();
        try (Workspace ws = Workspace.open(console, repo.repoDir(console), repo.cacheDir(console))) {
            ResolvedRevision tree = ws.resolve(RevisionResolver.WORKING_TREE);
            Materialized m = ws.materialize("test", tree, s.inputs());
            Workspace.checkConfigs(s.cases(), m);
            List<CaseSpec> cases = Workspace.cases(s.cases(), m, gate.trainOptions());
            Path out = OutputFolders.create(output.folder(console), console.cwd(), "golden", "working-tree", started);
            Session session = ws.session(out, repo.useResultCache(), timeouts.buildTimeout);
            TrainedRevision side = new TrainedRevision("test", m, gate.trainOptions(), t, session, s.trainer(), null);
            GoldenStore store = new GoldenStore(console.cwd().resolve(goldenDir));
            if (update) {
                String commit = tree.commitId() == null ? "working tree" : tree.commitId();
                GoldenSink sink = new GoldenSink(store, gate, m.dir(), commit, console);
                return ws.guarded(out, new RecordPipeline(session, side, cases, false, t, sink)::run);
            }
            ComparePipeline pipeline = new ComparePipeline(session, new GoldenBaseline(store, gate, strict, session), side, cases,
                    new Judging(ComparisonMode.bitwise(), Judging.DEFAULT_METRICS, false), false, 1,
                    new ComparePipeline.Header(console.show(suite.file(console)), t, started))
                    .resume(new ResumeStage(ResumeRequest.FROM_SUITE, 1));
            return ws.guarded(out, pipeline::run);
        }
    }
}
