package dev.losscompare.harness.gate;

import dev.losscompare.core.judge.ComparisonMode;
import dev.losscompare.core.judge.SeriesDiff;
import dev.losscompare.core.judge.SideResult;
import dev.losscompare.core.judge.StepCount;
import dev.losscompare.harness.Console;
import dev.losscompare.harness.Main;
import dev.losscompare.harness.io.Sha256;
import dev.losscompare.harness.pipeline.CaseSpec;
import dev.losscompare.harness.pipeline.RecordPipeline;
import dev.losscompare.harness.suite.GateSettings;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * gate --update: writes each case's new golden and says, per case, "new golden", "unchanged" or
 * "changed from step N" (and any environment change), so a re-recording is reviewed, not silent.
 */
public final class GoldenSink implements RecordPipeline.RunSink {
    private static final List<String> METRICS = List.of("loss", "grad_norm");
    private final GoldenStore store;
    private final GateSettings gate;
    private final Path revisionDir;
    private final String commit;
    private final Console console;
    private final List<String> lines = new ArrayList<>();
    private boolean failed;

    /** @param commit the commit the working tree is on (provenance), or "working tree" */
    public GoldenSink(GoldenStore store, GateSettings gate, Path revisionDir, String commit, Console console) {
        this.store = store;
        this.gate = gate;
        this.revisionDir = revisionDir;
        this.commit = commit;
        this.console = console;
    }

    @Override
    public void accept(CaseSpec c, SideResult run, String error) throws IOException {
        String why = error != null ? error : run.series() == null ? "no series" : StepCount.problem(run.series(), gate.steps(), "new");
        if (why != null) {
            lines.add("ERROR " + c.id().label() + ": golden not written: " + why);
            failed = true;
            return;
        }
        Golden.Settings settings = Golden.Settings.of(c.suite(), gate);
        Golden old = store.read(c.id().name());
        Golden fresh = Golden.of(c.id().name(), settings, Sha256.ofFile(revisionDir.resolve(c.suite().config())),
                run.series().meta(), commit, run.series());
        store.write(fresh);
        lines.add(c.id().name() + ": " + change(old, fresh) + " -> " + console.show(store.file(c.id().name())));
    }

    @Override
    public int finish() {
        lines.forEach(l -> (l.startsWith("ERROR") ? console.err() : console.out()).println(l));
        return failed ? Main.USAGE : 0;
    }

    private static String change(Golden old, Golden fresh) {
        if (old == null) return "new golden";
        if (!old.settings().equals(fresh.settings())) {
            return "settings changed (" + old.settings().describe() + " -> " + fresh.settings().describe() + ")";
        }
        Integer first = null;
        for (String metric : METRICS) {
            var d = SeriesDiff.diff(old.toSeries(), fresh.toSeries(), metric, ComparisonMode.bitwise());
            if (d.divergence() != null) first = first == null ? d.divergence().step() : Math.min(first, d.divergence().step());
        }
        String env = old.environmentDifference(fresh.environment());
        return (first == null ? "unchanged" : "changed from step " + first) + (env.isEmpty() ? "" : "; environment " + env);
    }
}
