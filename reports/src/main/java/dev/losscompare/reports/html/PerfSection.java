package dev.losscompare.reports.html;

import static dev.losscompare.reports.text.Markup.esc;

import dev.losscompare.core.perf.PerfQuantity;
import dev.losscompare.core.perf.PerfVerdict;
import dev.losscompare.core.series.StepRecord;
import dev.losscompare.reports.chart.ChartSpec;
import dev.losscompare.reports.chart.SvgChart;
import dev.losscompare.reports.series.CaseSeries;
import dev.losscompare.reports.series.SideSeries;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * A case's performance block: the verdict line as the domain wrote it, and the throughput (or
 * step time) and memory curves of both sides' series files (with rounds: the first round's).
 */
final class PerfSection {
    private PerfSection() {}

    static void render(StringBuilder out, CaseSeries k) {
        PerfVerdict p = k.result().performance();
        if (p == null) return;
        String status = p.status().name().toLowerCase(Locale.ROOT);
        out.append("<div class=\"perf perf-").append(status).append("\" data-case=\"").append(esc(k.result().name()))
                .append("\" data-performance=\"").append(p.status()).append("\">\n<h3>Performance <span class=\"badge ")
                .append(p.verdict().name().toLowerCase(Locale.ROOT)).append("\">").append(esc(p.status().label()))
                .append("</span></h3>\n<p class=\"msg perf-line\">").append(esc(p.line())).append("</p>\n");
        PerfQuantity speed = p.change(PerfQuantity.THROUGHPUT) != null ? PerfQuantity.THROUGHPUT : PerfQuantity.STEP_TIME;
        chart(out, k, speed, speed == PerfQuantity.THROUGHPUT ? "tokens/s" : "ms per step", 1);
        chart(out, k, PerfQuantity.MEMORY, "GiB", 1L << 30);
        out.append("</div>\n");
    }

    private static void chart(StringBuilder out, CaseSeries k, PerfQuantity q, String unit, double divisor) {
        double[][] b = points(k.baseline(), q, divisor), t = points(k.test(), q, divisor);
        if (b[0].length == 0 && t[0].length == 0) return;
        String svg = SvgChart.render(new ChartSpec(q.label() + " per step: baseline and test", 1100, 260, unit, false, false, List.of(
                new ChartSpec.Series("baseline", HtmlReport.BASE_COLOR, 2, 0.8, null, b[0], b[1]),
                new ChartSpec.Series("test", HtmlReport.TEST_COLOR, 1.3, 1, null, t[0], t[1])), null, null));
        out.append("<figure class=\"chart perf-curves\" data-case=\"").append(esc(k.result().name())).append("\" data-quantity=\"")
                .append(q.name().toLowerCase(Locale.ROOT)).append("\">").append(svg).append("</figure>\n");
    }

    private static double[][] points(SideSeries s, PerfQuantity q, double divisor) {
        List<double[]> xy = new ArrayList<>();
        if (s.series() != null) {
            for (StepRecord r : s.series().steps()) {
                Double v = q.of(r);
                if (v != null) xy.add(new double[] {r.step(), v / divisor});
            }
        }
        double[][] out = new double[2][xy.size()];
        for (int i = 0; i < xy.size(); i++) {
            out[0][i] = xy.get(i)[0];
            out[1][i] = xy.get(i)[1];
        }
        return out;
    }
}
