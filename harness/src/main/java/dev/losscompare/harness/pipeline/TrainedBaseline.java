package dev.losscompare.harness.pipeline;

import dev.losscompare.domain.Revision;
import dev.losscompare.domain.judge.SideResult;
import java.nio.file.Path;

/** A baseline revision trained now, like the test. The pipeline runs it (in parallel with the test when it can). */
public record TrainedBaseline(TrainedRevision revision, int steps) implements Baseline {
    @Override
    public Revision describe() {
        return revision.tree().revision().toModel();
    }

    @Override
    public String kind() {
        return "compare";
    }

    @Override
    public TrainedRevision trained() {
        return revision;
    }

    @Override
    public SideResult series(CaseSpec c, Path caseDir) {
        throw new IllegalStateException("a trained baseline is run by the pipeline");
    }

    @Override
    public Integer expectedSteps(CaseSpec c) {
        return steps;
    }
}
