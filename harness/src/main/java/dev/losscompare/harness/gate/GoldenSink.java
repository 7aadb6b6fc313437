package dev.losscompare.harness.gate;

import dev.losscompare.core.judge.ComparisonMode;
import dev.losscompare.core.judge.SeriesDiff;
import dev.losscompare.core.series.DefaultMetrics;
import dev.losscompare.core.series.RunSeries;
import dev.losscompare.harness.Console;
import dev.losscompare.harness.engine.CaseEngine;
import dev.losscompare.harness.engine.CaseSpec;
import dev.losscompare.harness.io.Sha256;
import dev.losscompare.harness.suite.GateSettings;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * gate --update: writes each case's new golden and says, per case, "new golden", "unchanged" or
 * "changed from step N" (and any environment change), so a re-recording is reviewed, not silent.
 */
public final class GoldenSink implements CaseEngine.CaseSink<GoldenUpdate> {
    private final GoldenStore store;
    private final GateSettings gate;
    private final Path revisionDir;
    private final String commit;
    private final List<String> lines = new ArrayList<>();
    private boolean failed;

    /** @param commit the commit the working tree is on (provenance), or "working tree" */
    public GoldenSink(GoldenStore store, GateSettings gate, Path revisionDir, String commit) {
        this.store = store;
        this.gate = gate;
        this.revisionDir = revisionDir;
        this.commit = commit;
    }

    @Override
    public void begin(CaseEngine.Plan plan, CaseSpec c, String buildError) {
        if (buildError == null) plan.session().console().out().println("== " + c.id().label());
    }

    @Override
    public void accept(CaseEngine.CaseRun run) throws IOException {
        CaseSpec c = run.c();
        Console console = run.plan().session().console();
        String why = run.unusable("new");
        if (why != null) {
            lines.add("ERROR " + c.id().label() + ": golden not written: " + why);
            failed = true;
            return;
        }
        RunSeries series = run.only().series();
        Golden.Settings settings = Golden.Settings.of(c.suite(), gate);
        Golden old = store.read(c.id().name());
        Golden fresh = Golden.of(c.id().name(), settings, Sha256.ofFile(revisionDir.resolve(c.suite().config())),
                series.meta(), commit, series);
        store.write(fresh);
        lines.add(c.id().name() + ": " + change(old, fresh) + " -> " + console.show(store.file(c.id().name())));
    }

    @Override
    public GoldenUpdate finish(CaseEngine.Plan plan) {
        Console console = plan.session().console();
        lines.forEach(l -> (l.startsWith("ERROR") ? console.err() : console.out()).println(l));
        return new GoldenUpdate(lines, !failed);
    }

    private static String change(Golden old, Golden fresh) {
        if (old == null) return "new golden";
        if (!old.settings().equals(fresh.settings())) {
            return "settings changed (" + old.settings().describe() + " -> " + fresh.settings().describe() + ")";
        }
        Integer first = null;
        for (String metric : DefaultMetrics.ALL) {
            var d = SeriesDiff.diff(old.toSeries(), fresh.toSeries(), metric, ComparisonMode.bitwise());
            if (d.divergence() != null) first = first == null ? d.divergence().step() : Math.min(first, d.divergence().step());
        }
        String env = old.environmentDifference(fresh.environment());
        return (first == null ? "unchanged" : "changed from step " + first) + (env.isEmpty() ? "" : "; environment " + env);
    }
}
