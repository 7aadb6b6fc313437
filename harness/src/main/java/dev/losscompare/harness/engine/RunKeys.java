package dev.losscompare.harness.engine;

import dev.losscompare.harness.cache.ResultCache;
import dev.losscompare.harness.io.Sha256;
import dev.losscompare.harness.run.TrainerArgs;
import java.util.HashMap;
import java.util.Map;

/**
 * The result-cache keys of a side's runs and seed checkpoints (docs/architecture.md, "Caches"),
 * computed from the environment the trainer will really see: this process's, with the run's
 * kernel set and rank count on top.
 */
public final class RunKeys {
    private final Session session;

    public RunKeys(Session session) {
        this.session = session;
    }

    /** The key of a run with these arguments (a case's, or a traced re-run's); null without a result cache. */
    public String run(TrainedSide side, TrainerArgs args, String seedKeyOrNull) {
        if (session.results() == null) return null;
        return withAdapter(side, ResultCache.runKey(side.tree(), args, seedKeyOrNull, environment(args)));
    }

    /** The key of a seed checkpoint written with these (one-process) arguments. */
    String seed(TrainedSide side, TrainerArgs seedArgs) {
        return withAdapter(side, ResultCache.seedKey(side.tree(), seedArgs, environment(seedArgs)));
    }

    /** This repository's trainer keeps the keys it always had; any other adapter, and any environment, is part of the key. */
    private static String withAdapter(TrainedSide side, String key) {
        return side.adapter() == dev.losscompare.harness.adapter.OwnTrainer.INSTANCE ? key : Sha256.hex(side.adapter().identity(), key);
    }

    /** The environment a run with these arguments sees: this process's, with the run's own variables on top. */
    public Map<String, String> environment(TrainerArgs args) {
        Map<String, String> env = new HashMap<>(session.console().env());
        args.environment().forEach((k, v) -> {
            if (v == null) env.remove(k);
            else env.put(k, v);
        });
        return env;
    }
}
