package dev.losscompare.harness.pipeline;

import dev.losscompare.core.result.Revision;
import dev.losscompare.core.judge.SideResult;
import java.io.IOException;
import java.nio.file.Path;

/**
 * An existing run as the baseline of {@code diff}. (Where a side was read from printed text the
 * judge compares at its decimals: see CaseJudge.)
 */
public record SourceBaseline(ExistingRun baseline) implements Baseline {
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
}
