package dev.losscompare.core.judge;

import dev.losscompare.core.result.CaseResult;
import dev.losscompare.core.judge.ComparisonMode;
import dev.losscompare.core.result.MetricResult;
import dev.losscompare.core.result.RunInfo;
import dev.losscompare.core.result.Verdict;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Turns two sides of a case into a verdict. The rules, in order, so that nothing undecided is a
 * PASS: a value difference on a step both sides have is a FAIL (a fact even if a run crashed
 * later); a step only one side has is a FAIL when both runs finished; anything else that stops a
 * full comparison — a crash, a timeout, an unreadable series, NaN on both sides, a missing metric,
 * a side with other steps than 1..N (a short baseline is never blamed on the test) — is an ERROR,
 * and then no metric of the case is a PASS.
 */
public final class CaseJudge {
    private CaseJudge() {}

    public record CaseId(String name, String model, String flavor, String config) {
        /** "llama3 debugmodel"; a suite case named otherwise is "llama3_flex (llama3 debugmodel_flex_attn)". */
        public String label() {
            boolean noFlavor = flavor == null || flavor.isEmpty();
            String text = noFlavor ? model : model + " " + flavor;
            String derived = (noFlavor ? model : model + "_" + flavor).replaceAll("[^A-Za-z0-9._-]", "_");
            return name.equals(derived) ? text : name + " (" + text + ")";
        }
    }

    /** How a case is compared and why (null reason: as requested on the command line). */
    public record CaseMode(ComparisonMode mode, String reason) {
        public static CaseMode requested(ComparisonMode mode) {
            return new CaseMode(mode, null);
        }
    }

    /**
     * @param baselineSteps steps the baseline must have (1..N), or null when its length is not
     *                      known in advance (an imported file)
     * @param testSteps     steps the test run must have (1..N), or null when not known (an existing run)
     */
    public static Judgement judge(CaseId id, SideResult baseline, SideResult test, List<String> metrics,
                                  CaseMode requestedMode, Integer baselineSteps, Integer testSteps) {
        String beyond = beyondNote(baseline, baselineSteps, test, testSteps);
        baseline = upTo(baseline, baselineSteps);
        test = upTo(test, testSteps);
        CaseMode caseMode = limitedByPrecision(requestedMode, baseline, test);
        ComparisonMode mode = caseMode.mode();
        String runError = join(baseline.info().error(), test.info().error());
        if (baseline.series() == null || test.series() == null) {
            return error(id, runError == null ? "no series to compare" : runError, metrics, baseline.info(), test.info(), caseMode);
        }
        boolean bothFinished = !baseline.failed() && !test.failed();
        Integer inputsAt = SeriesDiff.inputsDivergeAt(baseline.series(), test.series());
        String stepCountProblem = bothFinished ? StepCount.problem(baseline, baselineSteps, test, testSteps) : null;
        // A baseline that is itself incomplete is no reference: a step only the test has proves nothing.
        boolean baselineComplete = baselineSteps == null || StepCount.isComplete(baseline.series(), baselineSteps);

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
            if (div != null && (div.reason().isValueDifference() || (bothFinished && baselineComplete))) {
                v = Verdict.FAIL;
                message = div.reason().isValueDifference() ? div.message() : metric + ": " + div.message();
                failures.add(div.reason() == DivergenceReason.VALUE ? message + howFar(mode, d)
                        : div.reason().isValueDifference() ? message : div.message());
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
                message = metric + " " + mode.agreement(d.maxAbsDiff(), d.noiseMultiple()) + " over " + d.comparedSteps() + " steps";
            }
            // A PASS within noise that moved says what it could not have seen (a bitwise-identical metric moved nothing).
            Undetectable missed = v == Verdict.PASS && mode.isNoise() && d.maxAbsDiff() > 0 && d.noiseMultiple() != null
                    ? Undetectable.of(mode.noise(), metric, d.comparedSteps(), d.noiseMultiple()) : null;
            if (missed != null) message += ": " + missed.metricText(metric);
            verdict = verdict.worst(v);
            boolean failed = v == Verdict.FAIL;
            results.add(MetricResult.builder(metric, v)
                    .divergence(failed ? div.step() : null, failed ? div.baseline() : null, failed ? div.test() : null)
                    .differences(d.maxAbsDiff(), d.maxRelDiff(), d.meanAbsDiff(), d.comparedSteps()).message(message)
                    .noise(d.noiseMultiple(), failed ? d.noiseMultipleAtDivergence() : null).undetectable(missed).build());
        }
        // A proven difference decides the case even if a run also failed afterwards.
        if (!failures.isEmpty()) verdict = Verdict.FAIL;
        String error = verdict == Verdict.PASS ? null : join(runError, problems.isEmpty() ? null : String.join("; ", problems));
        if (verdict == Verdict.ERROR) results = undecided(results, error);

        String inputs = inputsAt == null ? null
                : "inputs diverged at step " + inputsAt + " (data_fingerprint differs: a data-pipeline change, not the model)";
        // Noise mode always says which envelope judged the case; the other modes only when it is not the one asked for.
        String modeSaid = caseMode.reason() == null ? (mode.isNoise() ? mode.describe() : null) : mode.describe() + ": " + caseMode.reason();
        String caveat = Undetectable.caseText(results);
        VerdictLine line = switch (verdict) {
            case PASS -> VerdictLine.of(verdict, id.label(), modeSaid, agreements(metrics, diffs, mode) + " over "
                    + diffs.get(0).comparedSteps() + " steps", caveat, inputs, beyond);
            case FAIL -> {
                List<String> found = new ArrayList<>();
                if (inputs != null) found.add(inputs);
                found.addAll(failures);
                if (runError != null) found.add(runError);
                if (beyond != null) found.add(beyond);
                yield new VerdictLine(verdict, id.label(), found, modeSaid, List.of());
            }
            case ERROR -> VerdictLine.of(verdict, id.label(), null, inputs, String.valueOf(error), beyond);
        };
        CaseResult r = CaseResult.builder(id.name(), id.model(), id.flavor(), id.config(), verdict)
                .error(verdict == Verdict.PASS ? null : error).inputsDivergeAtStep(inputsAt).runs(baseline.info(), test.info())
                .metrics(results).note(beyond).mode(mode, caseMode.reason()).build();
        return new Judgement(r, diffs, line);
    }

    /** A side judged on steps 1..N only: its steps after N are not part of the run asked for (see StepCount). */
    private static SideResult upTo(SideResult side, Integer expected) {
        if (expected == null || side.series() == null) return side;
        return new SideResult(side.info(), StepCount.upTo(side.series(), expected), side.decimals());
    }

    /** "steps after 5 not compared (the test logged 1 more)", or null when no side logged past its N. */
    static String beyondNote(SideResult baseline, Integer baselineSteps, SideResult test, Integer testSteps) {
        int b = baselineSteps == null || baseline.series() == null ? 0 : StepCount.beyond(baseline.series(), baselineSteps);
        int t = testSteps == null || test.series() == null ? 0 : StepCount.beyond(test.series(), testSteps);
        if (b == 0 && t == 0) return null;
        int n = b > 0 ? baselineSteps : testSteps;
        String who = b > 0 && t > 0 ? (b == t ? "each side logged " + b : "the baseline logged " + b + ", the test " + t)
                : b > 0 ? "the baseline logged " + b : "the test logged " + t;
        return "steps after " + n + " not compared (" + who + " more)";
    }

    /**
     * How far outside a value difference is: "(max rel diff 3.2e-2)", or in noise mode ": 37× the
     * measured noise" at the first step outside (where the band is 0: that the step had to be bitwise).
     */
    private static String howFar(ComparisonMode mode, MetricDiff d) {
        if (!mode.isNoise()) return " (max rel diff " + Numbers.sci(d.maxRelDiff()) + ")";
        Double at = d.noiseMultipleAtDivergence();
        if (at == null || Double.isInfinite(at)) {
            return ": the measured noise is 0 at that step, so it must be bitwise (max rel diff " + Numbers.sci(d.maxRelDiff()) + ")";
        }
        return ": " + Numbers.multiple(at) + "\u00d7 the measured noise";
    }

    /** "loss, grad_norm identical", or per metric where they agree differently: "loss within noise (0.4×…), grad_norm identical". */
    private static String agreements(List<String> metrics, List<MetricDiff> diffs, ComparisonMode mode) {
        java.util.LinkedHashMap<String, List<String>> byAgreement = new java.util.LinkedHashMap<>();
        for (int i = 0; i < metrics.size(); i++) {
            MetricDiff d = diffs.get(i);
            byAgreement.computeIfAbsent(mode.agreement(d.maxAbsDiff(), d.noiseMultiple()), k -> new ArrayList<>()).add(metrics.get(i));
        }
        List<String> parts = new ArrayList<>();
        byAgreement.forEach((agreement, names) -> parts.add(String.join(", ", names) + " " + agreement));
        return String.join(", ", parts);
    }

    /**
     * Values read from printed text cannot be compared bitwise: a bitwise request becomes a
     * comparison at the coarser side's decimals, and the case says why.
     */
    static CaseMode limitedByPrecision(CaseMode requested, SideResult baseline, SideResult test) {
        Integer d = test.decimals();
        if (baseline.decimals() != null) d = d == null ? baseline.decimals() : Integer.valueOf(Math.min(d, baseline.decimals()));
        if (d == null) return requested;
        String why = "a side was read from text printed with " + d + " decimals: bitwise is not possible from logs;"
                + " use TensorBoard or JSONL for exact values";
        String reason = requested.reason() == null ? why : requested.reason() + "; " + why;
        return new CaseMode(requested.mode().isBitwise() ? ComparisonMode.atDecimals(d) : requested.mode(), reason);
    }

    /** A case that could not be compared at all (no build, no seed, no golden, no series): ERROR on every metric. */
    public static Judgement error(CaseId id, String why, List<String> metrics, RunInfo baseline, RunInfo test, CaseMode caseMode) {
        List<MetricResult> results = new ArrayList<>();
        for (String m : metrics) results.add(MetricResult.builder(m, Verdict.ERROR).message(why).build());
        CaseResult r = CaseResult.builder(id.name(), id.model(), id.flavor(), id.config(), Verdict.ERROR).error(why)
                .runs(baseline, test).metrics(results)
                .mode(caseMode == null ? null : caseMode.mode(), caseMode == null ? null : caseMode.reason()).build();
        return new Judgement(r, List.of(), VerdictLine.of(Verdict.ERROR, id.label(), null, String.valueOf(why)));
    }

    /** An empty record of a side that never ran. */
    public static RunInfo notRun(String side) {
        return new RunInfo(side, List.of(), null, null, null, null, null, false, Map.of());
    }

    /** In an ERROR case no metric is a PASS: what did compare equal is said in its message, not its verdict. */
    private static List<MetricResult> undecided(List<MetricResult> results, String caseError) {
        List<MetricResult> out = new ArrayList<>();
        for (MetricResult m : results) {
            out.add(m.verdict() != Verdict.PASS ? m : MetricResult.builder(m.metric(), Verdict.ERROR)
                    .differences(m.maxAbsDiff(), m.maxRelDiff(), m.meanAbsDiff(), m.comparedSteps())
                    .message(m.message() + ", but the case could not be decided: " + caseError).build());
        }
        return out;
    }

    private static String join(String a, String b) {
        if (a == null) return b;
        if (b == null) return a;
        return a + "; " + b;
    }
}
