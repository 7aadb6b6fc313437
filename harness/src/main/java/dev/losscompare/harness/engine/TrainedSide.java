package dev.losscompare.harness.engine;

import dev.losscompare.core.judge.Role;
import dev.losscompare.core.judge.SideResult;
import dev.losscompare.core.result.ComparisonKind;
import dev.losscompare.core.result.Revision;
import dev.losscompare.harness.adapter.OwnTrainer;
import dev.losscompare.harness.adapter.TrainerAdapter;
import dev.losscompare.harness.cache.Materialized;
import dev.losscompare.harness.run.TrainerArgs;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * A revision trained now: its materialized tree, the options of this side (after the case's own),
 * the trainer adapter that drives it and its rank count ({@code ngpus} null: each case's, else the trainer's).
 * Data, and what the engine asks of any side; building is {@link Builds}, seed checkpoints {@link SeedWriter}, cache keys
 * {@link RunKeys}, runs {@link SideRunner}.
 */
public record TrainedSide(Role role, Materialized tree, List<String> options, TrainerAdapter adapter, Integer ngpus) implements Side {
    public TrainedSide {
        options = List.copyOf(options);
    }

    @Override
    public Revision describe() {
        return tree.revision().toModel();
    }

    @Override
    public TrainedSide trained() {
        return this;
    }

    @Override
    public SideResult result(SideRunner runner, CaseSpec c, Path caseDir, Seeds.Seed seed, boolean loadsOthersSeed) throws IOException {
        return runner.run(this, c, seed, loadsOthersSeed);
    }

    @Override
    public boolean trainedLikeTheTest() {
        return true;
    }

    @Override
    public ComparisonKind kind() {
        return ComparisonKind.COMPARE;
    }

    @Override
    public boolean fromOwnTrainer() {
        return ownTrainer();
    }

    @Override
    public String absentName() {
        return "baseline";
    }

    /** "baseline HEAD~1": how messages name this side. */
    public String label() {
        return role.word() + " " + tree.revision().spec();
    }

    public boolean ownTrainer() {
        return adapter.base() == OwnTrainer.INSTANCE;
    }

    /** The environment this side runs in (--baseline-env / --test-env), or null: the harness's own. */
    public dev.losscompare.harness.environment.Environment environment() {
        return dev.losscompare.harness.adapter.InEnvironment.of(adapter);
    }

    /** The case's own options first, then the case's options for this side, then this side's (the last wins). */
    public TrainerArgs args(CaseSpec c, Training training) {
        List<String> opts = new ArrayList<>(c.suite().options());
        opts.addAll(c.suite().sides().options(role));
        opts.addAll(options);
        return new TrainerArgs(tree.dir(), c.suite().config(), training.steps(), training.seed(), training.threads(), opts,
                training.kernels(), ngpus(c));
    }

    /** --ngpus (or --baseline-ngpus / --test-ngpus), else the case's value for this side, else the trainer's (1 unless its table says). */
    public int ngpus(CaseSpec c) {
        if (ngpus != null) return ngpus;
        Integer fromCase = c.suite().sides().ngpus(role);
        return fromCase == null ? adapter.ngpus() : fromCase;
    }
}
