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
 * commit's place in the range (-1: GOOD itself).
 */
public record Probe(int index, Commit commit, Search.Outcome outcome, List<Judgement> judgements, String reason, double seconds) {
    public Probe {
        judgements = List.copyOf(judgements);
    }

    static Probe skipped(int index, Commit commit, String reason, double seconds) {
        return new Probe(index, commit, Search.Outcome.SKIPPED, List.of(), reason, seconds);
    }

    /** DIFFERS when any case differs (a proven difference), SAME when every case passed, else SKIPPED. */
    static Probe judged(int index, Commit commit, List<Judgement> judgements, double seconds) {
        boolean differs = judgements.stream().anyMatch(j -> j.result().verdict() == Verdict.FAIL);
        boolean same = judgements.stream().allMatch(j -> j.result().verdict() == Verdict.PASS);
        Search.Outcome o = differs ? Search.Outcome.DIFFERS : same ? Search.Outcome.SAME : Search.Outcome.SKIPPED;
        String reason = o != Search.Outcome.SKIPPED ? null : String.join("; ", judgements.stream()
                .filter(j -> j.result().verdict() == Verdict.ERROR).map(Judgement::verdictLine).toList());
        return new Probe(index, commit, o, judgements, reason, seconds);
    }

    /** The verdict lines of the cases that differ. */
    public List<String> changes() {
        return judgements.stream().filter(j -> j.result().verdict() == Verdict.FAIL).map(Judgement::verdictLine).toList();
    }

    /** "llama3 debugmodel: loss from step 2, grad_norm from step 1" per differing case, joined. */
    public String changedCasesShort() {
        List<String> parts = new ArrayList<>();
        for (Judgement j : judgements) {
            if (j.result().verdict() != Verdict.FAIL) continue;
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
