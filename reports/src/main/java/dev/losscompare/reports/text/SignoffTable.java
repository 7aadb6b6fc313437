package dev.losscompare.reports.text;

import dev.losscompare.core.result.CaseResult;
import dev.losscompare.core.result.Comparison;
import dev.losscompare.core.result.MetricResult;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/** The console's one-glance sign-off: a row per case with each metric's verdict and the first divergence. */
public final class SignoffTable {
    private SignoffTable() {}

    public static List<String> lines(Comparison c) {
        int nameWidth = "case".length();
        for (CaseResult r : c.cases()) nameWidth = Math.max(nameWidth, r.name().length());
        String rowFormat = "%-" + nameWidth + "s  %-7s";
        List<String> out = new ArrayList<>();
        out.add("");
        out.add("Sign-off: " + c.baseline().spec() + " vs " + c.test().spec() + " · "
                + c.modeUsed() + " · " + c.steps() + " steps · " + c.overall());
        StringBuilder header = new StringBuilder(String.format(Locale.ROOT, rowFormat, "case", "verdict"));
        for (String m : c.metrics()) header.append(String.format(Locale.ROOT, "  %-10s", m));
        out.add(header.append("  first divergence").toString());
        for (CaseResult r : c.cases()) {
            StringBuilder row = new StringBuilder(String.format(Locale.ROOT, rowFormat, r.name(), r.verdict()));
            Integer first = null;
            for (String m : c.metrics()) {
                MetricResult mr = r.metrics().stream().filter(x -> x.metric().equals(m)).findFirst().orElse(null);
                row.append(String.format(Locale.ROOT, "  %-10s", mr == null ? "-" : mr.verdict()));
                if (mr != null && mr.firstDivergentStep() != null) {
                    first = first == null ? mr.firstDivergentStep() : Math.min(first, mr.firstDivergentStep());
                }
            }
            row.append("  ").append(first != null ? "step " + first : r.error() != null ? "could not decide" : "-");
            out.add(row.toString());
        }
        return out;
    }
}
