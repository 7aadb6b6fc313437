package dev.losscompare.reports.html;

import static dev.losscompare.reports.text.Markup.esc;

import dev.losscompare.core.result.Diagnosis;
import dev.losscompare.core.result.Diagnosis.MaskDiff;
import dev.losscompare.core.result.Diagnosis.ModuleDiff;
import dev.losscompare.reports.text.Fmt;
import java.util.List;
import java.util.Locale;

/**
 * The "Where" block of a case: the diagnosis sentence, the aligned module outputs at the divergent
 * step with a bar per module (relative difference of the L2 norms on a log scale from 1e-16 to 1;
 * the first divergence marked) and the attention masks. Renders the {@link Diagnosis} as recorded.
 */
final class WhereSection {
    /** The bar's log scale: 1e-16 (float64 noise) is the empty bar, 1 (or more) the full one. */
    private static final double LOG_MIN = -16;

    private WhereSection() {}

    static void render(StringBuilder out, String caseName, Diagnosis d) {
        if (d == null) return;
        out.append("<div class=\"where\" data-case=\"").append(esc(caseName)).append("\" data-status=\"").append(esc(d.status().json()))
                .append("\">\n<h3>Where</h3>\n");
        if (d.status() == Diagnosis.Status.UNAVAILABLE) {
            out.append("<p class=\"unavailable\">No location: ").append(esc(d.reason())).append("</p>\n</div>\n");
            return;
        }
        out.append("<p class=\"").append(d.located() ? "located" : "no-difference").append("\">").append(esc(d.where()))
                .append("</p>\n");
        if (d.tracedSteps() != null) {
            out.append("<p class=\"mode\">Both sides re-run with the trace for ")
                    .append(d.tracedSteps() == 1 ? "step 1" : "steps 1-" + d.tracedSteps())
                    .append("; aligned by event name and order.</p>\n");
        }
        masks(out, d.masks());
        modules(out, d);
        out.append("</div>\n");
    }

    private static void masks(StringBuilder out, List<MaskDiff> masks) {
        if (masks.isEmpty()) return;
        out.append("<table class=\"where-masks\">\n<tr><th>attention mask</th><th>shape</th><th class=\"n\">true entries baseline</th>")
                .append("<th class=\"n\">true entries test</th><th>digests</th><th>first used by</th></tr>\n");
        for (MaskDiff m : masks) {
            out.append("<tr").append(m.identical() ? "" : " class=\"first\"").append(" data-mask=\"").append(esc(m.kind())).append("\"><td>")
                    .append(esc(m.kind())).append("</td><td>").append(esc(m.shape() == null ? "—" : m.shape().toString()))
                    .append("</td><td class=\"n\">").append(count(m.baselineTrueCount(), m.entries())).append("</td><td class=\"n\">")
                    .append(count(m.testTrueCount(), m.entries())).append("</td><td>")
                    .append(m.onlyIn() != null ? "only in " + esc(m.onlyIn()) : m.identical() ? "equal" : "differ").append("</td><td>")
                    .append(esc(m.firstUsedBy() == null ? "—" : m.firstUsedBy())).append("</td></tr>\n");
        }
        out.append("</table>\n");
    }

    private static String count(Long trueCount, Long entries) {
        if (trueCount == null) return "—";
        return entries == null ? String.valueOf(trueCount) : trueCount + " of " + entries;
    }

    private static void modules(StringBuilder out, Diagnosis d) {
        if (d.modules().isEmpty()) return;
        out.append("<table class=\"where-modules\">\n<tr><th>module output at step ").append(d.step() == null ? "" : d.step())
                .append("</th><th class=\"n\">L2 norm baseline</th><th class=\"n\">L2 norm test</th><th class=\"n\">rel. difference</th>")
                .append("<th>(log scale, 1e-16 … 1)</th></tr>\n");
        for (ModuleDiff m : d.modules()) {
            String cls = m.first() ? "first" : m.onlyIn() != null ? "only" : "";
            out.append("<tr").append(cls.isEmpty() ? "" : " class=\"" + cls + "\"").append(" data-module=\"").append(esc(m.name()))
                    .append("\"><td><code>").append(esc(m.name())).append("</code>")
                    .append(m.renamedFrom() == null ? "" : " <small>(baseline: " + esc(m.renamedFrom()) + ")</small>")
                    .append(m.first() ? " ← first divergence" : "").append("</td><td class=\"n v\">").append(esc(Fmt.value(m.baselineNorm())))
                    .append("</td><td class=\"n v\">").append(esc(Fmt.value(m.testNorm()))).append("</td><td class=\"n v\">")
                    .append(esc(relText(m))).append("</td><td class=\"bar\">").append(bar(m)).append("</td></tr>\n");
        }
        out.append("</table>\n");
    }

    private static String relText(ModuleDiff m) {
        if (m.onlyIn() != null) return "only in " + m.onlyIn();
        if (m.identical()) return "identical";
        return m.relNormDiff() == null ? "differs" : Fmt.sci(m.relNormDiff());
    }

    /** Identical: no bar. Different with equal norms: the thinnest bar, so a difference is never drawn as nothing. */
    private static String bar(ModuleDiff m) {
        if (m.identical() || m.onlyIn() != null) return "<span class=\"zero\"></span>";
        double rel = m.relNormDiff() == null ? 0 : m.relNormDiff();
        double pct = rel > 0 ? (Math.log10(Math.min(rel, 1.0)) - LOG_MIN) / -LOG_MIN * 100 : 0;
        pct = Math.max(1.5, Math.min(100, pct));
        return "<span style=\"width:" + String.format(Locale.ROOT, "%.1f", pct) + "%\" title=\"" + esc(relText(m)) + "\"></span>";
    }
}
