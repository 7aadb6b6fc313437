package dev.losscompare.harness.engine;

import dev.losscompare.core.judge.SideResult;
import dev.losscompare.harness.run.Futures;
import dev.losscompare.harness.run.Progress;
import dev.losscompare.harness.run.TrainerArgs;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * Runs of one case of one trained side under other arguments or another seed checkpoint (what
 * calibrate needs), {@code jobs} at once with one progress display, each through the result cache
 * under its own arguments. A variant's files are {@code <name>.jsonl}, {@code <name>_training.log}.
 */
public final class VariantRuns {
    public record Variant(String name, TrainerArgs args, Path seed, String seedKey) {}

    private VariantRuns() {}

    /** The variants' results in the variants' order. */
    public static List<SideResult> run(Session session, Training training, TrainedSide side, Path caseDir, List<Variant> variants,
                                       int jobs) throws IOException {
        Files.createDirectories(caseDir);
        ExecutorService pool = Executors.newFixedThreadPool(Math.max(1, jobs));
        try (Progress progress = session.progress()) {
            SideRunner runner = new SideRunner(session, training, caseDir, progress);
            List<Future<SideResult>> futures = new ArrayList<>();
            for (Variant v : variants) {
                Seeds.Seed seed = new Seeds.Seed(v.seed(), v.seed() == null ? null : v.seedKey(), null);
                futures.add(pool.submit(() -> runner.run(side, v.name(), v.args(), seed, false)));
            }
            List<SideResult> out = new ArrayList<>();
            for (Future<SideResult> f : futures) out.add(Futures.await(f, Interrupted::new));
            return out;
        } finally {
            pool.shutdownNow();
        }
    }
}
