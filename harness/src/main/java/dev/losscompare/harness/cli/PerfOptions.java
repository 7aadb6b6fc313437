package dev.losscompare.harness.cli;

import dev.losscompare.harness.UsageException;
import dev.losscompare.harness.api.TimedPerfVerb;
import dev.losscompare.harness.api.UpdateGoldens;
import dev.losscompare.harness.perf.PerfRequest;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Option;

/** The performance verdict of the commands that train both sides: --perf, --perf-rounds=N and the thresholds (each also a suite key). */
public final class PerfOptions {
    @Option(names = "--perf", description = "Time both sides (alternated rounds, one run at a time) and give a performance verdict.")
    boolean perf;

    @Option(names = "--perf-rounds", paramLabel = "N",
            description = "Timed rounds per side, alternated A B, B A, A B, ... (default " + PerfRequest.DEFAULT_ROUNDS + "; implies --perf).")
    Integer rounds;

    @ArgGroup(validate = false) PerfThresholdOptions thresholds = new PerfThresholdOptions();

    <V extends TimedPerfVerb<V>> void applyTo(V verb) {
        if (perf) verb.setPerf(true);
        if (rounds != null) verb.setPerfRounds(rounds);
        thresholds.applyTo(verb);
    }

    /** Any performance option given on the command line. */
    boolean asked() {
        return perf || rounds != null || thresholds.maxSlowdown != null || thresholds.maxMemoryGrowth != null;
    }

    /** gate --update records figures (from --perf-rounds rounds, or --perf's default) and judges none: thresholds are an error there. */
    void applyToUpdate(UpdateGoldens update) {
        if (thresholds.maxSlowdown != null || thresholds.maxMemoryGrowth != null) {
            throw new UsageException((thresholds.maxSlowdown != null ? "--max-slowdown" : "--max-memory-growth")
                    + " applies to checking goldens, not to --update (which records the figures)");
        }
        if (rounds != null) update.setPerfRounds(rounds);
        else if (perf) update.setPerfRounds(PerfRequest.DEFAULT_ROUNDS);
    }
}
