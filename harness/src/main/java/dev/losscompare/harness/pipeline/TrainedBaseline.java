package dev.losscompare.harness.pipeline;

import dev.losscompare.core.judge.ComparisonMode;
import dev.losscompare.core.result.Revision;
import dev.losscompare.core.judge.CaseJudge.CaseMode;
import dev.losscompare.core.judge.SideResult;
import java.nio.file.Path;

/**
 * A baseline revision trained now, like the test. The pipeline runs it (in parallel with the test
 * when it can). Where the two sides of a case run different rank counts (a parity case), the bits
 * cannot match — the gradient reduction order differs — so the case's own tolerance applies and
 * says why.
 */
public record TrainedBaseline(TrainedRevision revision, int steps, TrainedRevision test) implements Baseline {
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

    @Override
    public CaseMode mode(CaseSpec c, SideResult tested, ComparisonMode requested) {
        int b = revision.ngpus(c), t = test.ngpus(c);
        if (b == t || c.suite().atol() == null && c.suite().rtol() == null) return CaseMode.requested(requested);
        double atol = c.suite().atol() == null ? 0 : c.suite().atol();
        double rtol = c.suite().rtol() == null ? 0 : c.suite().rtol();
        return new CaseMode(ComparisonMode.tolerance(atol, rtol), "the sides run " + b + " and " + t
                + " ranks, so the gradient reduction order differs and bitwise is not possible; the case's tolerance applies");
    }
}
