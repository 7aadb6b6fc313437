package dev.losscompare.harness.pipeline;

import dev.losscompare.domain.ComparisonMode;
import dev.losscompare.domain.Revision;
import dev.losscompare.domain.judge.CaseJudge.CaseMode;
import dev.losscompare.domain.judge.SideResult;
import java.io.IOException;
import java.nio.file.Path;

/**
 * What the test run is compared with: a revision trained now ({@link TrainedBaseline}), an
 * imported series ({@link ImportedBaseline}) or a golden ({@link GoldenBaseline}). The pipeline
 * is the same for all three; only where the baseline's series comes from, and which mode a case
 * is compared in, differ.
 */
public interface Baseline {
    /** How the report names this side. */
    Revision describe();

    /** The comparison's kind in comparison.json: "compare", "import" or "gate". */
    String kind();

    /** The trained revision behind this baseline, or null when nothing is trained for it. */
    default TrainedRevision trained() {
        return null;
    }

    /** The series of one case (written into caseDir as baseline.jsonl); a run error is inside the result. */
    SideResult series(CaseSpec c, Path caseDir) throws IOException;

    /** The steps the baseline must have (1..N), or null when not known in advance. */
    Integer expectedSteps(CaseSpec c);

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
