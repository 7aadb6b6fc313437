package dev.losscompare.reports.text;

import dev.losscompare.core.result.CaseResult;
import dev.losscompare.core.result.Comparison;
import dev.losscompare.core.result.MetricResult;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * The console's one-glance sign-off: a row per case with each metric's verdict, the first
 * divergence and, when some case has one, the performance verdict as core decided it.
 */
public final class SignoffTable {
    private SignoffTable() {}

    public static List<String> lines(Comparison c) {
        int nameWidth = "case".length();
        for (CaseResult r : c.cases()) nameWidth = Math.max(nameWidth, r.name().length());
        String rowFormat = "%-" + nameWidth + "s  %-7s";
        List<String> out = new ArrayList<>();
        out.add("");
        out.add("Sign-off: " + c.baseline().spec() + " vs " + c.test().spec() + " · "
                + c.modeUsed() + " · " + c.steps() + " steps · " + c.overallText());
        StringBuilder header = new StringBuilder(String.format(Locale.ROOT, rowFormat, "case", "verdict"));
        for (String m : c.metrics()) header.append(String.format(Locale.ROOT, "  %-10s", m));
        boolean noise = c.judgedAgainstNoise();
        if (noise) header.append("  × noise");
        boolean perf = c.hasPerformance();
        int divergenceWidth = "first divergence".length();
        for (CaseResult r : c.cases()) divergenceWidth = Math.max(divergenceWidth, firstDivergence(c, r).length());
        String tail = perf ? "  %-" + divergenceWidth + "s  %s" : "  %s";
        out.add(header.append(perf ? String.format(Locale.ROOT, tail, "first divergence", "performance")
                : "  first divergence").toString());
        for (CaseResult r : c.cases()) {
            StringBuilder row = new StringBuilder(String.format(Locale.ROOT, rowFormat, r.name(), r.verdict()));
            for (String m : c.metrics()) {
                MetricResult mr = metric(r, m);
                row.append(String.format(Locale.ROOT, "  %-10s", mr == null ? "-" : mr.verdict()));
            }
            if (noise) row.append(String.format(Locale.ROOT, "  %-7s", r.noiseMultipleText()));
            row.append(perf ? String.format(Locale.ROOT, tail, firstDivergence(c, r),
                    r.performance() == null ? "-" : r.performance().cell()) : "  " + firstDivergence(c, r));
            out.add(perf ? row.toString().stripTrailing() : row.toString());
        }
        return out;
    }

    private static MetricResult metric(CaseResult r, String m) {
        return r.metrics().stream().filter(x -> x.metric().equals(m)).findFirst().orElse(null);
    }

    private static String firstDivergence(Comparison c, CaseResult r) {
        Integer first = null;
        for (String m : c.metrics()) {
            MetricResult mr = metric(r, m);
            if (mr != null && mr.firstDivergentStep() != null) {
                first = first == null ? mr.firstDivergentStep() : Math.min(first, mr.firstDivergentStep());
            }
        }
        return first != null ? "step " + first : r.error() != null ? "could not decide" : "-";
    }
}
