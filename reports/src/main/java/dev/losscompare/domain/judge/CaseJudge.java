package dev.losscompare.domain.judge;

import dev.losscompare.domain.CaseResult;
import dev.losscompare.domain.ComparisonMode;
import dev.losscompare.domain.MetricResult;
import dev.losscompare.domain.StepRecord;
import dev.losscompare.domain.Verdict;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * Turns two runs into a verdict. The rules, in order, so that nothing undecided is a PASS:
 * a value difference on a step both sides ran is a FAIL (it is a fact even if a run crashed
 * later); a step only one side has is a FAIL when both runs finished; anything else that stops
 * a full comparison — a crash, a timeout, an unreadable series, NaN on both sides, a missing
 * metric, fewer steps than asked for — is an ERROR.
 */
public final class CaseJudge {
    private CaseJudge() {}

    public record CaseId(String name, String model, String flavor, String config) {
        /** "llama3 debugmodel"; a suite case named otherwise is "llama3_flex (llama3 debugmodel_flex_attn)". */
        public String label() {
            String derived = (model + "_" + flavor).replaceAll("[^A-Za-z0-9._-]", "_");
            return name.equals(derived) ? model + " " + flavor : name + " (" + model + " " + flavor + ")";
        }
    }

    /** @param expectedSteps steps each run was asked for (checked on the test side, which is always a run) */
    public static Judgement judge(CaseId id, SideResult baseline, SideResult test, List<String> metrics,
                                  ComparisonMode mode, int expectedSteps) {
        String runError = join(baseline.info().error(), test.info().error());
        if (baseline.series() == null || test.series() == null) {
            if (runError == null) runError = "no series to compare";
            List<MetricResult> results = new ArrayList<>();
            for (String m : metrics) results.add(errorResult(m, runError));
            CaseResult r = new CaseResult(id.name(), id.model(), id.flavor(), id.config(), Verdict.ERROR, runError,
                    null, baseline.info(), test.info(), results);
            return new Judgement(r, List.of(), "ERROR " + id.label() + ": " + runError);
        }
        boolean bothFinished = !baseline.failed() && !test.failed();
        Integer inputsAt = SeriesDiff.inputsDivergeAt(baseline.series(), test.series());
        String stepCountProblem = bothFinished ? stepCountProblem(test, expectedSteps) : null;

        List<MetricDiff> diffs = new ArrayList<>();
        List<MetricResult> results = new ArrayList<>();
        Set<String> failures = new LinkedHashSet<>();
        Set<String> problems = new LinkedHashSet<>();
        Verdict verdict = Verdict.PASS;
        for (String metric : metrics) {
            MetricDiff d = SeriesDiff.diff(baseline.series(), test.series(), metric, mode);
            diffs.add(d);
            Divergence div = d.divergence();
            Verdict v;
            String message;
            if (div != null && (div.kind() == Divergence.Kind.VALUE || bothFinished)) {
                v = Verdict.FAIL;
                message = div.kind() == Divergence.Kind.VALUE ? div.message() : metric + ": " + div.message();
                boolean hasReason = div.message().endsWith(")");
                failures.add(div.kind() == Divergence.Kind.VALUE && !hasReason
                        ? message + " (max rel diff " + Numbers.sci(d.maxRelDiff()) + ")"
                        : div.kind() == Divergence.Kind.STEP_SET ? div.message() : message);
            } else if (d.problem() != null) {
                v = Verdict.ERROR;
                message = d.problem();
                problems.add(message);
            } else if (!bothFinished) {
                v = Verdict.ERROR;
                message = runError;
            } else if (stepCountProblem != null) {
                v = Verdict.ERROR;
                message = stepCountProblem;
                problems.add(message);
            } else {
                v = Verdict.PASS;
                message = passMessage(metric, mode, d.comparedSteps());
            }
            verdict = verdict.worst(v);
            results.add(new MetricResult(metric, v, v == Verdict.FAIL ? div.step() : null,
                    v == Verdict.FAIL ? div.baseline() : null, v == Verdict.FAIL ? div.test() : null,
                    d.maxAbsDiff(), d.maxRelDiff(), d.meanAbsDiff(), d.comparedSteps(), message));
        }
        // A proven difference decides the case even if a run also failed afterwards.
        if (!failures.isEmpty()) verdict = Verdict.FAIL;

        String inputs = inputsAt == null ? null
                : "inputs diverged at step " + inputsAt + " (data_fingerprint differs: a data-pipeline change, not the model)";
        String error = verdict == Verdict.PASS ? null : join(runError, problems.isEmpty() ? null : String.join("; ", problems));
        String line = switch (verdict) {
            case PASS -> "PASS " + id.label() + ": " + String.join(", ", metrics) + " "
                    + (mode.isBitwise() ? "identical" : "within " + tolerance(mode)) + " over "
                    + diffs.get(0).comparedSteps() + " steps" + (inputs == null ? "" : "; " + inputs);
            case FAIL -> "FAIL " + id.label() + ": " + (inputs == null ? "" : inputs + "; ")
                    + String.join("; ", failures) + (runError == null ? "" : "; " + runError);
            case ERROR -> "ERROR " + id.label() + ": " + (inputs == null ? "" : inputs + "; ") + error;
        };
        CaseResult r = new CaseResult(id.name(), id.model(), id.flavor(), id.config(), verdict,
                verdict == Verdict.PASS ? null : error, inputsAt, baseline.info(), test.info(), results);
        return new Judgement(r, diffs, line);
    }

    private static String stepCountProblem(SideResult test, int expected) {
        List<StepRecord> steps = test.series().steps();
        boolean exact = steps.size() == expected;
        for (int i = 0; exact && i < steps.size(); i++) exact = steps.get(i).step() == i + 1;
        if (exact) return null;
        return "the runs wrote " + steps.size() + " steps, expected steps 1.." + expected;
    }

    private static MetricResult errorResult(String metric, String why) {
        return new MetricResult(metric, Verdict.ERROR, null, null, null, 0, 0, 0, 0, why);
    }

    private static String passMessage(String metric, ComparisonMode mode, int steps) {
        return metric + (mode.isBitwise() ? " identical" : " within " + tolerance(mode)) + " over " + steps + " steps";
    }

    static String tolerance(ComparisonMode mode) {
        return "atol=" + Numbers.sci(mode.atol()) + ", rtol=" + Numbers.sci(mode.rtol());
    }

    private static String join(String a, String b) {
        if (a == null) return b;
        if (b == null) return a;
        return a + "; " + b;
    }
}
