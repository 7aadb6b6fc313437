package dev.losscompare.harness.pipeline;

import dev.losscompare.core.result.Revision;
import dev.losscompare.core.judge.SideResult;
import java.io.IOException;
import java.nio.file.Path;

/**
 * Where one side's series comes from: a revision trained now ({@link TrainedRevision}, whose
 * runs the pipeline drives: build, seed, train, cache) or an existing series (a golden, an
 * imported loss file, a run on disk), read as it is.
 */
public interface Side {
    /** How the report names this side. */
    Revision describe();

    /** The trained revision behind this side, or null when nothing is trained for it. */
    default TrainedRevision trained() {
        return null;
    }

    /** The series of one case, for a side that is not trained (written into caseDir for the report). */
    SideResult series(CaseSpec c, Path caseDir) throws IOException;

    /** The steps this side must have (1..N), or null when not known in advance. */
    Integer expectedSteps(CaseSpec c);
}
