package dev.losscompare.harness.gate;

import dev.losscompare.core.judge.ComparisonMode;
import dev.losscompare.core.judge.SeriesDiff;
import dev.losscompare.core.series.DefaultMetrics;
import dev.losscompare.core.series.RunSeries;
import dev.losscompare.harness.Console;
import dev.losscompare.harness.engine.CaseEngine;
import dev.losscompare.harness.engine.CaseSpec;
import dev.losscompare.harness.engine.TrainedSide;
import dev.losscompare.harness.perf.PerfEnvironment;
import dev.losscompare.harness.perf.PerfRequest;
import dev.losscompare.harness.perf.PerfTiming;
import dev.losscompare.core.perf.RecordedPerf;
import dev.losscompare.core.perf.SidePerf;
import dev.losscompare.harness.io.Sha256;
import dev.losscompare.harness.suite.GateSettings;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * gate --update: writes each case's new golden and says, per case, "new golden", "unchanged" or
 * "changed from step N" (and any environment change), so a re-recording is reviewed, not silent.
 * Where the run carries speed or memory the golden keeps them with the environment they were
 * measured in: from rounds the harness times itself (--perf-rounds), else from the recorded run
 * when it was trained now (a result-cache hit keeps the previous golden's figures).
 */
public final class GoldenSink implements CaseEngine.CaseSink<GoldenUpdate> {
    private final GoldenStore store;
    private final GateSettings gate;
    private final Path revisionDir;
    private final String commit;
    private final PerfRequest perf;
    private final List<String> lines = new ArrayList<>();
    private boolean failed;

    /**
     * @param commit the commit the working tree is on (provenance), or "working tree"
     * @param perf   timed rounds to record the performance figures from (null or untimed: the recorded run's own)
     */
    public GoldenSink(GoldenStore store, GateSettings gate, Path revisionDir, String commit, PerfRequest perf) {
        this.store = store;
        this.gate = gate;
        this.revisionDir = revisionDir;
        this.commit = commit;
        this.perf = perf;
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
        Recorded p = performance(run, old);
        if (p.error() != null) {
            lines.add("ERROR " + c.id().label() + ": golden not written: " + p.error());
            failed = true;
            return;
        }
        fresh = fresh.withPerformance(p.figures());
        store.write(fresh);
        lines.add(c.id().name() + ": " + change(old, fresh) + p.note() + " -> " + console.show(store.file(c.id().name())));
    }

    /** The figures to keep with the golden, what the update line says of them, or why they could not be measured. */
    private record Recorded(RecordedPerf figures, String note, String error) {}

    private Recorded performance(CaseEngine.CaseRun run, Golden old) throws IOException {
        RunSeries series = run.only().series();
        TrainedSide side = run.plan().test().trained();
        if (perf != null && perf.timed() && side != null) {
            PerfTiming.Rounds r = PerfTiming.timeOne(run.plan().session(), run.plan().training(), run.c(), run.caseDir(), perf.rounds(),
                    side, run.seed());
            if (r.error() != null) return new Recorded(null, "", "performance could not be timed: " + r.error());
            return recorded(SidePerf.of(r.baseline()), series, r.aloneConditions());
        }
        if (run.only().info().fromCache()) {
            RecordedPerf kept = old == null ? null : old.performance();
            return new Recorded(kept, kept == null ? "" : "; performance figures kept (the run came from the result cache)", null);
        }
        return recorded(SidePerf.of(List.of(series)), series,
                String.format(Locale.ROOT, "one run, load average %.1f", PerfTiming.load()));
    }

    private static Recorded recorded(SidePerf measured, RunSeries series, String conditions) {
        if (!measured.hasAny()) return new Recorded(null, "", null);
        return new Recorded(new RecordedPerf(PerfEnvironment.of(series.meta()), measured, conditions),
                "; performance recorded (" + conditions + ")", null);
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
