package dev.losscompare.harness.pipeline;

import dev.losscompare.core.judge.ComparisonMode;
import dev.losscompare.core.judge.CaseJudge.CaseMode;
import dev.losscompare.core.judge.SideResult;

/**
 * What the test side is compared with: a revision trained now ({@link TrainedBaseline}), an
 * imported series ({@link ImportedBaseline}), a golden ({@link GoldenBaseline}) or an existing
 * run ({@link SourceBaseline}). The pipeline
 * is the same for all three; only where the baseline's series comes from, and which mode a case
 * is compared in, differ.
 */
public interface Baseline extends Side {
    /** The comparison's kind in comparison.json: "compare", "import", "gate" or "diff". */
    String kind();

    /**
     * How this case is compared. The requested mode by default; a golden recorded in another
     * environment is compared within tolerance and says which keys differ.
     */
    default CaseMode mode(CaseSpec c, SideResult test, ComparisonMode requested) {
        return CaseMode.requested(requested);
    }

    /** A reason this case cannot be compared at all before anything runs (e.g. no golden), or null. */
    default String unusable(CaseSpec c) {
        return null;
    }

    /** A reason the test run, once done, cannot be compared with this baseline (e.g. --strict), or null. */
    default String refuse(CaseSpec c, SideResult test) {
        return null;
    }
}
