package dev.losscompare.harness.engine;

import dev.losscompare.core.judge.CaseJudge.CaseMode;
import dev.losscompare.core.judge.ComparisonMode;
import dev.losscompare.core.judge.Role;
import dev.losscompare.core.judge.SideResult;
import dev.losscompare.core.perf.RecordedPerf;
import dev.losscompare.core.result.ComparisonKind;
import dev.losscompare.core.result.Revision;
import java.io.IOException;
import java.nio.file.Path;

/**
 * One side of a comparison: {@link TrainedSide} (a revision the engine builds, seeds and trains
 * now) or a {@link RecordedSide} (a series that exists already: a run on disk, an imported loss
 * file, a golden, GOOD's runs in a bisect). The engine drives the first and reads the second;
 * what the engine, the judge and the sinks ask of a side is asked here, so no caller switches on
 * which one it is.
 */
public sealed interface Side permits TrainedSide, RecordedSide {
    /** How the report names this side. */
    Revision describe();

    /** Which side it is. */
    Role role();

    /** This side as a revision trained now, or null: its series exists already. */
    TrainedSide trained();

    /**
     * This side's result for one case: trained now through {@code runner} ({@code loadsOthersSeed}:
     * its runs load a seed checkpoint another side wrote), or read (copied into caseDir when the
     * report should link it).
     */
    SideResult result(SideRunner runner, CaseSpec c, Path caseDir, Seeds.Seed seed, boolean loadsOthersSeed) throws IOException;

    /**
     * Whether the series is made with the comparison's training settings (a trained side, a
     * golden, GOOD's runs): then it must have exactly the steps 1..N. False when its length is not
     * known in advance (an imported file, a run on disk).
     */
    boolean trainedLikeTheTest();

    /** The comparison's kind in comparison.json when this side is the baseline. */
    ComparisonKind kind();

    /** Whether this repository's trainer writes the series (then every default metric must be there). */
    boolean fromOwnTrainer();

    /** How a case that never ran names this side as the baseline ("baseline", or "golden" for a recorded series). */
    String absentName();

    /** A reason this case cannot be compared at all before anything runs (e.g. no golden), or null. */
    default String unusable(CaseSpec c) {
        return null;
    }

    /** A reason the test run, once done, cannot be compared with this baseline (e.g. --strict), or null. */
    default String refuse(CaseSpec c, SideResult test) {
        return null;
    }

    /** How this case is compared with this side as the baseline: as requested, unless it knows better (a golden from another environment). */
    default CaseMode mode(CaseSpec c, SideResult test, ComparisonMode requested) {
        return CaseMode.requested(requested);
    }

    /**
     * Speed and memory recorded with this baseline's series (a golden's figures), which the
     * performance verdict compares with the test's where the environments match; null: the
     * series' own steps are the baseline's timing (a run on disk, an imported file), or, when
     * {@link #keepsPerformanceApart()}, none was recorded.
     */
    default RecordedPerf recordedPerformance(CaseSpec c) {
        return null;
    }

    /** True when speed and memory are kept beside the series, not in its steps (a golden). */
    default boolean keepsPerformanceApart() {
        return false;
    }
}
