package dev.losscompare.harness.engine;

import dev.losscompare.core.judge.SideResult;
import java.io.IOException;
import java.nio.file.Path;

/**
 * A side whose series exists already ({@link ExistingRun}, {@link ImportedSeries}, the gate's
 * goldens, bisect's GOOD runs). As the baseline it also decides what kind of comparison this is
 * and, per case, whether and how the case can be compared with it.
 */
public non-sealed interface RecordedSide extends Side {
    /** The series of one case (copied into caseDir when the report should link it). */
    SideResult series(CaseSpec c, Path caseDir) throws IOException;

    @Override
    default TrainedSide trained() {
        return null;
    }

    @Override
    default SideResult result(SideRunner runner, CaseSpec c, Path caseDir, Seeds.Seed seed, boolean loadsOthersSeed) throws IOException {
        return series(c, caseDir);
    }

    @Override
    default boolean fromOwnTrainer() {
        return false;
    }

    @Override
    default String absentName() {
        return "golden";
    }
}
