package dev.losscompare.core.judge;

import dev.losscompare.core.result.CaseResult;
import java.util.List;

/** A decided case: the model record, the diffs behind it (for the step tables) and what its verdict line says. */
public record Judgement(CaseResult result, List<MetricDiff> diffs, VerdictLine line) {
    /** The verdict line as the console prints it ({@link VerdictLine#text()}). */
    public String verdictLine() {
        return line.text();
    }

    /** The same judgement around another record (a note or a later check's finding added); diffs and line kept. */
    public Judgement withResult(CaseResult r) {
        return new Judgement(r, diffs, line);
    }
}
