package dev.losscompare.core.judge;

import dev.losscompare.core.result.CaseResult;
import dev.losscompare.core.result.ResumeResult;
import dev.losscompare.core.result.Verdict;
import dev.losscompare.core.series.RunSeries;
import dev.losscompare.core.series.StepRecord;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;

/**
 * Decides a resume check, bitwise (a resumed run is the same computation as the one it
 * continues: same revision, ranks, threads and kernels), or, on a trainer that does not repeat
 * itself bitwise, within the case's measured noise (a resumed run is one more draw of the noise of
 * continuous runs: each step within the margin times the band of the envelope, as the case judge
 * rules): the checkpointing run must be a complete 1..N series equal to the side's plain run
 * (saving changes no number), and the resumed run must hold exactly the steps K+1..N with the same
 * values and inputs as the continuous run. Inputs (data_fingerprint) are compared exactly in either mode.
 */
public final class ResumeJudge {
    private ResumeJudge() {}

    /**
     * What the check had: the side's plain run (null: not trained here), the checkpointing run, the
     * resumed run, and why the resumed run did not finish cleanly (null: it did).
     */
    public record Runs(RunSeries plain, RunSeries continuous, RunSeries resumed, String resumedError) {
        public Runs(RunSeries plain, RunSeries continuous, RunSeries resumed) {
            this(plain, continuous, resumed, null);
        }
    }

    public static ResumeResult judge(String side, int k, boolean across, int steps, List<String> metrics, Runs runs) {
        return judge(side, k, across, steps, metrics, runs, ComparisonMode.bitwise());
    }

    /** @param mode bitwise, or the case's noise mode (the values then match within its margin of its band) */
    public static ResumeResult judge(String side, int k, boolean across, int steps, List<String> metrics, Runs runs, ComparisonMode mode) {
        String noise = mode.isNoise() ? mode.describe() : null;
        if (runs.continuous() == null || !StepCount.isComplete(runs.continuous(), steps)) {
            return error(side, k, across, steps, "the run that writes the checkpoints did not give steps 1-" + steps);
        }
        if (runs.plain() != null) {
            Integer moved = firstDifference(runs.plain(), runs.continuous(), metrics, 1, mode);
            if (moved != null) {
                return new ResumeResult(side, k, across, steps, Verdict.FAIL, moved, "writing checkpoints changes the numbers: the"
                        + " checkpointing run differs from the plain run from step " + moved, null, null, noise);
            }
        }
        if (runs.resumed() == null) {
            return error(side, k, across, steps, runs.resumedError() != null ? runs.resumedError() : "the resumed run wrote no series");
        }
        List<Integer> expected = new ArrayList<>();
        for (int s = k + 1; s <= steps; s++) expected.add(s);
        List<Integer> got = runs.resumed().steps().stream().map(StepRecord::step).toList();
        Integer differs = firstDifference(runs.continuous(), runs.resumed(), metrics, k + 1, mode);
        if (differs != null) {
            Map<Integer, StepRecord> a = byStep(runs.continuous()), b = byStep(runs.resumed());
            StepRecord ra = a.get(differs), rb = b.get(differs);
            // A step the resumed run did not reach is a fact only if it finished; a crash decides nothing.
            if (rb == null && runs.resumedError() != null) return error(side, k, across, steps, runs.resumedError());
            String what = rb == null ? "step " + differs + " is missing from the resumed run"
                    : !Objects.equals(ra.dataFingerprint(), rb.dataFingerprint())
                    ? "its inputs differ: data_fingerprint " + ra.dataFingerprint() + " continuous, " + rb.dataFingerprint() + " resumed"
                    : differing(ra, rb, metrics, mode);
            return new ResumeResult(side, k, across, steps, Verdict.FAIL, differs, what, null, null, noise);
        }
        if (runs.resumedError() != null) return error(side, k, across, steps, runs.resumedError());
        if (!got.equals(expected)) {
            return error(side, k, across, steps, "the resumed run gave steps " + range(got) + ", expected " + (k + 1) + "-" + steps);
        }
        // Within noise, a resumed run that is bitwise equal anyway (a trainer that repeats itself) still says "identical".
        boolean bitwise = firstDifference(runs.continuous(), runs.resumed(), metrics, k + 1, ComparisonMode.bitwise()) == null;
        return new ResumeResult(side, k, across, steps, Verdict.PASS, null, null, null, null, bitwise ? null : noise);
    }

    /** The first step from {@code from} on where the two series' metrics or inputs differ, among the steps the first has. */
    private static Integer firstDifference(RunSeries reference, RunSeries other, List<String> metrics, int from, ComparisonMode mode) {
        Map<Integer, StepRecord> b = byStep(other);
        for (StepRecord ra : reference.steps()) {
            if (ra.step() < from) continue;
            StepRecord rb = b.get(ra.step());
            if (rb == null) return ra.step();
            if (!Objects.equals(ra.dataFingerprint(), rb.dataFingerprint())) return ra.step();
            for (String m : metrics) {
                Double x = ra.value(m), y = rb.value(m);
                if (x == null && y == null) continue;
                if (x == null || y == null || !same(mode, m, ra.step(), x, y)) return ra.step();
            }
        }
        return null;
    }

    /** Bitwise equal, or in noise mode within the margin of the band at that step. */
    private static boolean same(ComparisonMode mode, String metric, int step, double x, double y) {
        return mode.isNoise() ? mode.matches(metric, step, x, y) : Double.doubleToRawLongBits(x) == Double.doubleToRawLongBits(y);
    }

    private static String differing(StepRecord a, StepRecord b, List<String> metrics, ComparisonMode mode) {
        List<String> parts = new ArrayList<>();
        for (String m : metrics) {
            Double x = a.value(m), y = b.value(m);
            if (x != null && y != null && !same(mode, m, a.step(), x, y)) {
                Double band = mode.isNoise() ? mode.noise().band(m, a.step()) : null;
                parts.add(m + " " + x + " continuous, " + y + " resumed" + (band == null ? ""
                        : " (" + Numbers.multiple(NoiseBand.multiple(Math.abs(y - x), band)) + "\u00d7 the measured noise)"));
            } else if (x == null != (y == null)) {
                parts.add(m + " only in the " + (x == null ? "resumed" : "continuous") + " run");
            }
        }
        return String.join("; ", parts);
    }

    private static Map<Integer, StepRecord> byStep(RunSeries s) {
        Map<Integer, StepRecord> out = new TreeMap<>();
        for (StepRecord r : s.steps()) out.put(r.step(), r);
        return out;
    }

    private static String range(List<Integer> steps) {
        return steps.isEmpty() ? "none" : steps.get(0) + "-" + steps.get(steps.size() - 1) + " (" + steps.size() + " steps)";
    }

    private static ResumeResult error(String side, int k, boolean across, int steps, String why) {
        return new ResumeResult(side, k, across, steps, Verdict.ERROR, null, null, null, why);
    }

    /**
     * The case with its resume checks: its verdict is {@link #combine}d, its verdict line starts
     * with that verdict and ends with each check's line ("resume at K: identical", ...).
     */
    public static Judgement fold(Judgement j, List<ResumeResult> checks) {
        if (checks.isEmpty()) return j;
        CaseResult r = j.result().withResume(checks);
        VerdictLine line = j.line();
        if (r.verdict() != j.result().verdict() && line.verdict() == j.result().verdict()) line = line.withVerdict(r.verdict());
        for (ResumeResult c : checks) line = line.followedBy("; " + c.line());
        return new Judgement(r, j.diffs(), line);
    }

    /** A case's verdict with its resume checks: a FAIL is a fact (as in CaseJudge), else the worst. */
    public static Verdict combine(Verdict caseVerdict, List<ResumeResult> checks) {
        Verdict v = caseVerdict;
        boolean fail = v == Verdict.FAIL;
        for (ResumeResult r : checks) {
            fail |= r.verdict() == Verdict.FAIL;
            v = v.worst(r.verdict());
        }
        return fail ? Verdict.FAIL : v;
    }
}
