package dev.losscompare.harness.bisect;

import dev.losscompare.core.result.Revision;
import dev.losscompare.core.judge.SideResult;
import dev.losscompare.harness.pipeline.Baseline;
import dev.losscompare.harness.pipeline.CaseSpec;
import java.nio.file.Path;
import java.util.Map;

/** GOOD's runs, trained once before the search: every probe is judged against them. */
record GoodBaseline(Revision describe, Map<String, SideResult> runs, int steps) implements Baseline {
    GoodBaseline {
        runs = Map.copyOf(runs);
    }

    @Override
    public String kind() {
        return "compare";
    }

    @Override
    public SideResult series(CaseSpec c, Path caseDir) {
        return runs.get(c.id().name());
    }

    @Override
    public Integer expectedSteps(CaseSpec c) {
        return steps;
    }
}
