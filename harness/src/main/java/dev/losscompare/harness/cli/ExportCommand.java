package dev.losscompare.harness.cli;

import dev.losscompare.harness.adapter.TrainerAdapter;
import dev.losscompare.harness.Console;
import dev.losscompare.harness.cache.Materialized;
import dev.losscompare.harness.git.ResolvedRevision;
import dev.losscompare.harness.pipeline.CaseSpec;
import dev.losscompare.harness.pipeline.ExportSink;
import dev.losscompare.harness.pipeline.OutputFolders;
import dev.losscompare.harness.pipeline.RecordPipeline;
import dev.losscompare.harness.pipeline.Session;
import dev.losscompare.harness.pipeline.TrainedRevision;
import dev.losscompare.harness.pipeline.Training;
import dev.losscompare.harness.pipeline.Workspace;
import dev.losscompare.harness.suite.SuiteCase;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;

/** {@code loss_compare export REVISION FILE}: trains one revision and writes its losses as "step loss" lines. */
@Command(name = "export", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Train one revision and write its losses as torchtitan's \"step loss\" lines "
                + "(compare them later with: compare TEST --import-result=FILE).", "Exit: 0 written, 2 could not train."})
public final class ExportCommand implements Callable<Integer> {
    @ParentCommand
    LossCompareCommand root;

    @Parameters(index = "0", paramLabel = "REVISION", description = "The revision to train.")
    String revision;

    @Parameters(index = "1", paramLabel = "FILE", description = "The loss file to write.")
    Path file;

    @Mixin TrainingOptions training;
    @Mixin RepoOptions repo;
    @Mixin OutputOptions output;
    @Mixin TimeoutOptions timeouts;

    @Override
    public Integer call() throws Exception {
        Console console = root.console();
        return export(console, revision, console.cwd().resolve(file), training, List.of(), repo, output, timeouts);
    }

    static int export(Console console, String spec, Path file, TrainingOptions training, List<String> sideOptions,
                      RepoOptions repo, OutputOptions output, TimeoutOptions timeouts) throws Exception {
        Training t = training.training(timeouts.timeout);
        List<String> options = CompareCommand.concat(training.trainOptions(), sideOptions);
        List<SuiteCase> suiteCases = List.of(new SuiteCase(null, training.config, List.of()));
        try (Workspace ws = Workspace.open(console, repo.repoDir(console), repo.cacheDir(console))) {
            ResolvedRevision rev = ws.resolve(spec);
            TrainerAdapter adapter = training.adapter(console, null);
            ws.fromWorkingTree(adapter.fromWorkingTree());
            Materialized tree = ws.materialize("baseline", rev, List.of());
            Workspace.checkConfigs(suiteCases, tree);
            List<CaseSpec> cases = Workspace.cases(suiteCases, tree, options);
            Path out = OutputFolders.create(output.folder(console), console.cwd(), spec, "export", Instant.now());
            Session session = ws.session(out, repo.useResultCache(), timeouts.buildTimeout);
            TrainedRevision side = new TrainedRevision("baseline", tree, options, t, session, adapter,
                    training.ngpus(null));
            RecordPipeline pipeline = new RecordPipeline(session, side, cases, training.seedCheckpoint(adapter), t,
                    new ExportSink(file, rev.label(), t.steps(), console));
            return ws.guarded(out, pipeline::run);
        }
    }
}
