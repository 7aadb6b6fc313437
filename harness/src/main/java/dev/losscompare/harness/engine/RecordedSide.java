package dev.losscompare.harness.engine;

import dev.losscompare.core.judge.CaseJudge.CaseMode;
import dev.losscompare.core.judge.ComparisonMode;
import dev.losscompare.core.judge.SideResult;
import dev.losscompare.core.perf.RecordedPerf;
import dev.losscompare.core.result.ComparisonKind;
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

    /**
     * Whether the series was recorded with the comparison's training settings (a golden, GOOD's
     * runs): then it must have exactly the steps 1..N. False when its length is not known in
     * advance (an imported file, a run on disk).
     */
    boolean trainedLikeTheTest();

    /** The comparison's kind in comparison.json when this side is the baseline. */
    ComparisonKind kind();

    /** Whether this repository's trainer wrote the series (then every default metric must be there). */
    default boolean fromOwnTrainer() {
        return false;
    }

    /** A reason this case cannot be compared at all before anything runs (e.g. no golden), or null. */
    default String unusable(CaseSpec c) {
        return null;
    }

    /** A reason the test run, once done, cannot be compared with this baseline (e.g. --strict), or null. */
    default String refuse(CaseSpec c, SideResult test) {
        return null;
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

    /** How this case is compared: as requested, unless the baseline knows better (a golden from another environment). */
    default CaseMode mode(CaseSpec c, SideResult test, ComparisonMode requested) {
        return CaseMode.requested(requested);
    }
}
