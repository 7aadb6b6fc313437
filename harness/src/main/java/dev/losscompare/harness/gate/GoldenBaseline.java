package dev.losscompare.harness.gate;

import dev.losscompare.core.judge.ComparisonMode;
import dev.losscompare.core.judge.Role;
import dev.losscompare.core.result.ComparisonKind;
import dev.losscompare.harness.Wording;
import dev.losscompare.harness.engine.CaseSpec;
import dev.losscompare.harness.engine.RecordedSide;
import dev.losscompare.harness.engine.Session;
import dev.losscompare.core.result.Revision;
import dev.losscompare.core.result.RunInfo;
import dev.losscompare.core.series.RunSeries;
import dev.losscompare.core.judge.CaseJudge.CaseMode;
import dev.losscompare.core.judge.SideResult;
import dev.losscompare.core.perf.RecordedPerf;
import dev.losscompare.core.sources.SeriesFiles;
import dev.losscompare.harness.suite.GateSettings;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * configs/golden/&lt;case&gt;.json as the baseline. A case is compared bitwise where the run's
 * environment matches the golden's; where it differs (another CPU, torch, BLAS kernel) within the
 * case's tolerance, saying which keys differ — or, with {@code strict}, not at all (ERROR).
 */
public final class GoldenBaseline implements RecordedSide {
    private final GoldenStore store;
    private final GateSettings gate;
    private final boolean strict;
    private final Session session;
    /** Each case's golden, read once: the case asks for it to check, to compare and to choose its mode. */
    // Concurrent: a cluster launcher runs every case at once, and each asks for its golden.
    private final Map<String, Golden> goldens = new ConcurrentHashMap<>();

    public GoldenBaseline(GoldenStore store, GateSettings gate, boolean strict, Session session) {
        this.store = store;
        this.gate = gate;
        this.strict = strict;
        this.session = session;
    }

    @Override
    public Revision describe() {
        return new Revision(session.show(store.dir()), null, "golden series", null, false);
    }

    @Override
    public Role role() {
        return Role.BASELINE;
    }

    @Override
    public ComparisonKind kind() {
        return ComparisonKind.GATE;
    }

    /** Checks before anything trains that every selected case has a usable golden (bad input, in the call's wording). */
    public void requireUsable(java.util.List<CaseSpec> cases) {
        for (CaseSpec c : cases) {
            String unusable = unusable(c, store.wording());
            if (unusable != null) throw new dev.losscompare.harness.UsageException(c.id().name() + ": " + unusable);
        }
    }

    /** A case's ERROR, in the verdict line's words (the command line's, for every caller). */
    @Override
    public String unusable(CaseSpec c) {
        return unusable(c, Wording.COMMAND_LINE);
    }

    private String unusable(CaseSpec c, Wording wording) {
        Golden golden = golden(c);
        String record = wording.line(Wording.Call.UPDATE_GOLDENS);
        if (golden == null) {
            return "no golden series " + session.show(store.file(c.id().name())) + "; record one with: " + record;
        }
        Golden.Settings now = Golden.Settings.of(c.suite(), gate);
        if (!golden.settings().equals(now)) {
            return "the golden was recorded with other settings (" + golden.settings().describe() + "; now " + now.describe()
                    + "); review and rerun: " + record;
        }
        return null;
    }

    @Override
    public SideResult series(CaseSpec c, Path caseDir) throws IOException {
        Golden golden = golden(c);
        RunSeries series = golden.toSeries();
        Path copy = caseDir.resolve("baseline.jsonl");
        SeriesFiles.write(series, copy);
        RunInfo info = new RunInfo("golden", golden.settings().options(), caseDir.getParent().relativize(copy).toString(),
                null, null, null, null, false, series.meta());
        return new SideResult(info, series);
    }

    /** Recorded with the suite's [gate] settings, which the gate trains with: steps 1..N. */
    @Override
    public boolean trainedLikeTheTest() {
        return true;
    }

    @Override
    public CaseMode mode(CaseSpec c, SideResult test, ComparisonMode requested) {
        String diff = environmentDifference(c, test);
        if (diff.isEmpty()) return CaseMode.requested(ComparisonMode.bitwise());
        double atol = c.suite().atol() != null ? c.suite().atol() : gate.atol();
        double rtol = c.suite().rtol() != null ? c.suite().rtol() : gate.rtol();
        return new CaseMode(ComparisonMode.tolerance(atol, rtol), "environment differs from the golden's (" + diff + ")");
    }

    @Override
    public String refuse(CaseSpec c, SideResult test) {
        String diff = environmentDifference(c, test);
        if (!strict || diff.isEmpty()) return null;
        return "environment differs from the golden's (" + diff + ") and --strict requires a bitwise comparison; "
                + "record the goldens in this environment (gate --update) or run without --strict";
    }

    @Override
    public boolean keepsPerformanceApart() {
        return true;
    }

    @Override
    public RecordedPerf recordedPerformance(CaseSpec c) {
        Golden g = golden(c);
        return g == null ? null : g.performance();
    }

    private String environmentDifference(CaseSpec c, SideResult test) {
        if (test.series() == null) return "";
        return golden(c).environmentDifference(Golden.environmentOf(test.series().meta()));
    }

    private Golden golden(CaseSpec c) {
        return goldens.computeIfAbsent(c.id().name(), store::read);
    }
}
