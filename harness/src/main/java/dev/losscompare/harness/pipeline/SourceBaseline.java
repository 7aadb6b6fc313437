package dev.losscompare.harness.pipeline;

import dev.losscompare.domain.ComparisonMode;
import dev.losscompare.domain.Revision;
import dev.losscompare.domain.judge.CaseJudge.CaseMode;
import dev.losscompare.domain.judge.SideResult;
import dev.losscompare.harness.sources.SourcedSeries;
import dev.losscompare.harness.sources.ValuePrecision;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;

/**
 * An existing run as the baseline of {@code diff}. Where either side was read from printed text,
 * the values are compared at the coarser side's decimals and the case says why: bitwise is not
 * possible from a log.
 */
public record SourceBaseline(ExistingRun baseline, SourcedSeries test, List<String> metrics) implements Baseline {
    @Override
    public Revision describe() {
        return baseline.describe();
    }

    @Override
    public String kind() {
        return "diff";
    }

    @Override
    public SideResult series(CaseSpec c, Path caseDir) throws IOException {
        return baseline.series(c, caseDir);
    }

    @Override
    public Integer expectedSteps(CaseSpec c) {
        return null;
    }

    @Override
    public CaseMode mode(CaseSpec c, SideResult tested, ComparisonMode requested) {
        ValuePrecision p = ValuePrecision.exact();
        for (String m : metrics) p = p.coarser(baseline.run().precision(m)).coarser(test.precision(m));
        if (p.isExact()) return CaseMode.requested(requested);
        String why = "a side was read from text printed with " + p.decimals() + " decimals: bitwise is not possible from logs;"
                + " use TensorBoard or JSONL for exact values";
        return new CaseMode(requested.isBitwise() ? ComparisonMode.atDecimals(p.decimals()) : requested, why);
    }
}
