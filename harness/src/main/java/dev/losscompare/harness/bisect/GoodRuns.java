package dev.losscompare.harness.bisect;

import dev.losscompare.core.judge.Role;
import dev.losscompare.core.judge.SideResult;
import dev.losscompare.core.result.ComparisonKind;
import dev.losscompare.core.result.Revision;
import dev.losscompare.harness.engine.CaseSpec;
import dev.losscompare.harness.engine.RecordedSide;
import java.nio.file.Path;
import java.util.Map;

/** GOOD's runs, trained once before the search with the probes' settings: every probe is judged against them. */
record GoodRuns(Revision describe, Map<String, SideResult> runs, boolean fromOwnTrainer) implements RecordedSide {
    GoodRuns {
        runs = Map.copyOf(runs);
    }

    @Override
    public Role role() {
        return Role.BASELINE;
    }

    @Override
    public ComparisonKind kind() {
        return ComparisonKind.COMPARE;
    }

    @Override
    public SideResult series(CaseSpec c, Path caseDir) {
        return runs.get(c.id().name());
    }

    @Override
    public boolean trainedLikeTheTest() {
        return true;
    }
}
