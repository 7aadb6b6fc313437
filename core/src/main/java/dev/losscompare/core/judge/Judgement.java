package dev.losscompare.core.judge;

import dev.losscompare.core.result.CaseResult;
import java.util.List;

/** A decided case: the model record, the diffs behind it (for the step tables) and the verdict line. */
public record Judgement(CaseResult result, List<MetricDiff> diffs, String verdictLine) {}
