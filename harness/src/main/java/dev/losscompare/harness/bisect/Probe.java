package dev.losscompare.harness.bisect;

import dev.losscompare.core.result.MetricResult;
import dev.losscompare.core.result.Verdict;
import dev.losscompare.core.judge.CaseJudge;
import dev.losscompare.core.judge.Judgement;
import java.util.ArrayList;
import java.util.List;

/**
 * What one commit showed against the reference: the same series, different ones (and in which
 * cases, from which step), or nothing usable (skipped, with the reason). {@code index} is the
 * commit's place in the range (-1: GOOD itself). {@code byPerformance}: the outcome follows the
 * cases' performance verdicts (bisect with --max-slowdown / --max-memory-growth), not their numbers.
 */
public record Probe(int index, Commit commit, Search.Outcome outcome, List<Judgement> judgements, String reason, double seconds,
                    boolean byPerformance) {
    public Probe {
        judgements = List.copyOf(judgements);
    }

    static Probe skipped(int index, Commit commit, String reason, double seconds) {
        return new Probe(index, commit, Search.Outcome.SKIPPED, List.of(), reason, seconds, false);
    }

    /**
     * DIFFERS when any case differs (a proven difference), SAME when every case passed, else
     * SKIPPED. {@code byPerformance}: a case differs when its performance FAILs and passes when it
     * does not fail (a warning, figures not comparable); a case without a performance verdict
     * (it could not run) or with an undecided one is SKIPPED.
     */
    static Probe judged(int index, Commit commit, List<Judgement> judgements, boolean byPerformance, double seconds) {
        boolean differs = judgements.stream().anyMatch(j -> decisive(j, byPerformance) == Verdict.FAIL);
        boolean same = judgements.stream().allMatch(j -> decisive(j, byPerformance) == Verdict.PASS);
        Search.Outcome o = differs ? Search.Outcome.DIFFERS : same ? Search.Outcome.SAME : Search.Outcome.SKIPPED;
        String reason = o != Search.Outcome.SKIPPED ? null : String.join("; ", judgements.stream()
                .filter(j -> decisive(j, byPerformance) == Verdict.ERROR).map(j -> line(j, byPerformance)).toList());
        return new Probe(index, commit, o, judgements, reason, seconds, byPerformance);
    }

    /** The verdict that decides a case: its numbers', or with {@code byPerformance} its performance's. */
    private static Verdict decisive(Judgement j, boolean byPerformance) {
        if (!byPerformance) return j.result().verdict();
        return j.result().performance() == null ? Verdict.ERROR : j.result().performance().verdict();
    }

    private static String line(Judgement j, boolean byPerformance) {
        return byPerformance && j.result().performance() != null ? j.result().performance().line() : j.verdictLine();
    }

    /** The verdict lines (with {@code byPerformance}: the performance lines) of the cases that differ. */
    public List<String> changes() {
        return judgements.stream().filter(j -> decisive(j, byPerformance) == Verdict.FAIL).map(j -> line(j, byPerformance)).toList();
    }

    /** "llama3 debugmodel: loss from step 2, grad_norm from step 1" per differing case, joined. */
    public String changedCasesShort() {
        List<String> parts = new ArrayList<>();
        for (Judgement j : judgements) {
            if (decisive(j, byPerformance) != Verdict.FAIL) continue;
            if (byPerformance) {
                parts.add(label(j) + ": performance " + j.result().performance().cell());
                continue;
            }
            List<String> metrics = new ArrayList<>();
            for (MetricResult m : j.result().metrics()) {
                if (m.verdict() == Verdict.FAIL) {
                    metrics.add(m.firstDivergentStep() == null ? m.metric() : m.metric() + " from step " + m.firstDivergentStep());
                }
            }
            parts.add(label(j) + ": " + String.join(", ", metrics));
        }
        return String.join("; ", parts);
    }

    private static String label(Judgement j) {
        var r = j.result();
        return new CaseJudge.CaseId(r.name(), r.model(), r.flavor(), r.config()).label();
    }
}
