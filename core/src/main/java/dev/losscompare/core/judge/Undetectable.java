package dev.losscompare.core.judge;

import dev.losscompare.core.result.MetricResult;
import java.util.ArrayList;
import java.util.List;

/**
 * What a metric that PASSed within noise could have missed: at step {@code atStep} (the last one
 * compared) a change smaller than {@code below} — margin × band there, in the metric's own units —
 * stays inside, so this comparison cannot see it. {@code closeToMargin}: the largest deviation
 * ({@code multiple} bands) is above half the {@code margin}, a PASS that more steps or more
 * calibration runs may turn.
 */
public record Undetectable(double below, int atStep, double multiple, double margin, boolean closeToMargin) {
    /** The advice of a PASS close to its margin. */
    static final String ADVICE = "run more steps or calibrate with more runs";

    /** For a metric that moved (deviation > 0) and PASSed over steps 1..{@code lastStep}; null where the band has no step there. */
    public static Undetectable of(NoiseBand band, String metric, int lastStep, double multiple) {
        Double b = band.band(metric, lastStep);
        if (b == null) return null;
        return new Undetectable(band.margin() * b, lastStep, multiple, band.margin(), multiple > band.margin() / 2);
    }

    /** "a change below 2.1e-6 in loss at step 3 would not show". */
    public String text(String metric) {
        return "a change below " + Numbers.sci(below) + " in " + metric + " at step " + atStep + " would not show";
    }

    /** A metric's caveat: {@link #text} and, when close to the margin, {@link #warning}. */
    public String metricText(String metric) {
        return text(metric) + (closeToMargin ? "; " + warning() : "");
    }

    /** "close to the margin (6× of 10×): run more steps or calibrate with more runs". */
    public String warning() {
        return "close to the margin (" + Numbers.multiple(multiple) + "\u00d7 of " + Numbers.multiple(margin) + "\u00d7): " + ADVICE;
    }

    /**
     * A case's caveat from its metrics: "at step 3 a change below 2.1e-6 in loss or 3.0e-5 in
     * grad_norm would not show; close to the margin: loss 6× of 10×: run more steps or calibrate
     * with more runs", or null when no metric carries one (not within noise, or bitwise identical).
     */
    public static String caseText(List<MetricResult> metrics) {
        List<String> below = new ArrayList<>();
        List<String> close = new ArrayList<>();
        Integer step = null;
        for (MetricResult m : metrics) {
            Undetectable u = m.undetectable();
            if (u == null) continue;
            step = step == null ? u.atStep() : Math.max(step, u.atStep());
            below.add(Numbers.sci(u.below()) + " in " + m.metric());
            if (u.closeToMargin()) close.add(m.metric() + " " + Numbers.multiple(u.multiple()) + "\u00d7 of " + Numbers.multiple(u.margin()) + "\u00d7");
        }
        if (below.isEmpty()) return null;
        return "at step " + step + " a change below " + String.join(" or ", below) + " would not show"
                + (close.isEmpty() ? "" : "; close to the margin: " + String.join(", ", close) + ": " + ADVICE);
    }
}
