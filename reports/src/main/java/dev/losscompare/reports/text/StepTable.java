package dev.losscompare.reports.text;

import dev.losscompare.core.judge.MetricDiff;
import dev.losscompare.core.judge.Numbers;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/** The step-by-step table torchtitan's loss_compare prints: step, baseline, test, difference. */
public final class StepTable {
    static final int PRINT_ALL_UP_TO = 200;
    private static final int EDGE = 20;

    private StepTable() {}

    /** Every row. */
    public static List<String> full(MetricDiff diff) {
        return render(diff, false);
    }

    /** For the console: every row up to 200 steps, else the ends and the rows around the divergence. */
    public static List<String> forConsole(MetricDiff diff) {
        return render(diff, diff.rows().size() > PRINT_ALL_UP_TO);
    }

    private static List<String> render(MetricDiff diff, boolean abbreviate) {
        Integer firstStep = diff.divergence() == null ? null : diff.divergence().step();
        List<String> out = new ArrayList<>();
        out.add("Step-by-step " + diff.metric() + " comparison:");
        out.add(String.format(Locale.ROOT, "%-6s  %-22s  %-22s  %s", "Step", "Baseline", "Test", "Difference"));
        out.add(String.format(Locale.ROOT, "%-6s  %-22s  %-22s  %s", "----", "--------", "----", "----------"));
        List<MetricDiff.Row> rows = diff.rows();
        int divergenceIndex = -1;
        for (int i = 0; i < rows.size(); i++) if (firstStep != null && rows.get(i).step() == firstStep) divergenceIndex = i;
        boolean skipping = false;
        for (int i = 0; i < rows.size(); i++) {
            boolean show = !abbreviate || i < EDGE || i >= rows.size() - EDGE
                    || (divergenceIndex >= 0 && Math.abs(i - divergenceIndex) <= 5);
            if (!show) {
                if (!skipping) out.add("...");
                skipping = true;
                continue;
            }
            skipping = false;
            MetricDiff.Row r = rows.get(i);
            String mark = firstStep != null && r.step() == firstStep ? "  <- first divergence" : "";
            out.add(String.format(Locale.ROOT, "%-6d  %-22s  %-22s  %s%s", r.step(), Numbers.exact(r.baseline()),
                    Numbers.exact(r.test()), difference(r.difference()), mark));
        }
        return out;
    }

    private static String difference(Double d) {
        if (d == null) return "-";
        if (d == 0) return "0";
        return String.format(Locale.ROOT, "%.6e", d);
    }
}
