package dev.losscompare.harness.api;

import dev.losscompare.core.judge.Role;
import dev.losscompare.harness.adapter.TrainerAdapter;
import dev.losscompare.harness.Console;
import dev.losscompare.harness.UsageException;
import dev.losscompare.harness.cache.Materialized;
import dev.losscompare.harness.engine.CaseEngine;
import dev.losscompare.harness.engine.CaseSpec;
import dev.losscompare.harness.engine.ExportSink;
import dev.losscompare.harness.engine.OutputFolders;
import dev.losscompare.harness.engine.Seeds;
import dev.losscompare.harness.engine.Session;
import dev.losscompare.harness.engine.TrainedSide;
import dev.losscompare.harness.engine.Training;
import dev.losscompare.harness.engine.Workspace;
import dev.losscompare.harness.git.ResolvedRevision;
import dev.losscompare.harness.suite.SuiteCase;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;

/**
 * export: trains one revision (as the baseline) and writes its losses as torchtitan's
 * "step loss" lines, to compare later with {@code compare TEST --import-result=FILE}.
 */
public final class Export extends TrainingVerb<Export, ExportResult> {
    private final String revision;
    private final Path file;

    Export(LossCompare lc, String revision, Path file) {
        super(lc);
        this.revision = revision;
        this.file = lc.resolve(file);
    }

    @Override
    public ExportResult call() throws IOException {
        Console console = lc.console();
        if (java.nio.file.Files.isDirectory(file)) throw new UsageException("export: " + file + " is a folder; name the loss file to write");
        if (file.getParent() != null) OutputFolders.checkFolder(file.getParent(), null, "export: " + file + ":");
        Training t = training();
        Integer ranks = ngpus();
        List<SuiteCase> suiteCases = List.of(new SuiteCase(null, config(), List.of()));
        try (Workspace ws = lc.workspace(null, timeout)) {
            ResolvedRevision rev = ws.resolve(revision);
            TrainerAdapter adapter = adapter(null);
            ws.fromWorkingTree(adapter.fromWorkingTree());
            Materialized tree = ws.materialize("baseline", rev, List.of());
            Workspace.checkConfigs(suiteCases, tree, null, words());
            List<CaseSpec> cases = Workspace.cases(suiteCases, tree, trainOptions());
            Path out = OutputFolders.create(words(), outputFolder, console.cwd(), revision, "export", Instant.now());
            Session session = ws.session(out, lc.resultCache(), buildTimeout);
            TrainedSide side = new TrainedSide(Role.BASELINE, tree, trainOptions(), adapter, ranks);
            return ws.guarded(out, () -> {
                try (Seeds seeds = Seeds.by(seedCheckpoint(adapter) ? side : null, session, t)) {
                    return new ExportResult(file, CaseEngine.run(new CaseEngine.Plan(session, t, side, null, cases, seeds, 1),
                            new ExportSink(file, rev.label())));
                }
            });
        }
    }
}
