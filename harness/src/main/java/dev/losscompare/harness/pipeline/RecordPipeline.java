package dev.losscompare.harness.pipeline;

import dev.losscompare.core.judge.SideResult;
import dev.losscompare.harness.run.ActiveProcesses;
import dev.losscompare.harness.run.Progress;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * One revision trained and recorded, nothing judged: --export-result / export (a loss file) and
 * gate --update (the goldens). Same build, seed, run and cache steps as {@link ComparePipeline};
 * only the end differs, a {@link RunSink}.
 */
public final class RecordPipeline {
    /** Where the finished runs go. {@code error} is why the case produced no usable run (null: it did). */
    public interface RunSink {
        void accept(CaseSpec c, SideResult run, String error) throws IOException;

        /** The exit code once every case was accepted. */
        int finish();
    }

    private final Session session;
    private final TrainedRevision revision;
    private final List<CaseSpec> cases;
    private final boolean seedCheckpoint;
    private final Training training;
    private final RunSink sink;

    public RecordPipeline(Session session, TrainedRevision revision, List<CaseSpec> cases, boolean seedCheckpoint,
                          Training training, RunSink sink) {
        this.session = session;
        this.revision = revision;
        this.cases = List.copyOf(cases);
        this.seedCheckpoint = seedCheckpoint;
        this.training = training;
        this.sink = sink;
    }

    public int run() throws IOException {
        String buildError = Builds.buildAll(revision);
        try (Seeds seeds = new Seeds(seedCheckpoint ? revision : null)) {
            for (CaseSpec c : cases) {
                Path caseDir = Files.createDirectories(session.out().resolve(c.id().name()));
                if (buildError != null) {
                    sink.accept(c, null, buildError);
                    continue;
                }
                session.console().out().println("== " + c.id().label());
                Seeds.Seed seed = seeds.create(c, caseDir);
                if (seed.error() != null) {
                    sink.accept(c, null, seed.error());
                    continue;
                }
                SideResult run;
                try (Progress progress = session.progress()) {
                    run = revision.run(session.runner(caseDir, progress, training.timeout()), c, seed.file(), seed.key(), false);
                }
                if (ActiveProcesses.shuttingDown()) throw new SideRunner.Interrupted();
                sink.accept(c, run, run.failed() ? run.info().error() : null);
            }
        }
        return sink.finish();
    }
}
