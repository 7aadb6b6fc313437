package dev.losscompare.core.judge;

/**
 * How many bands a step may move before it is outside, and where that number came from (every
 * output names both). The one rule of a case's margin: measured from the envelope's held-out runs
 * (perturbed runs the band never saw) as {@link #HEADROOM} × the largest multiple of the band any
 * of them reached, never below {@link #FLOOR}; {@code --noise-margin} overrides it; an envelope
 * without held-out runs (calibrated before they existed, or with --held-out=0) gets
 * {@link NoiseBand#DEFAULT_MARGIN}, and says so.
 */
public record NoiseMargin(double value, String source) {
    /**
     * Twice the largest held-out multiple: a handful of held-out runs sees the bulk of the noise
     * but may miss its rarest jumps (README: llama4_irope's largest of 8 fresh runs was 4.3×, of
     * 8 more 5.5×).
     */
    public static final double HEADROOM = 2.0;
    /**
     * The least margin: the baseline and a benign test are both draws of the noise, each within the
     * band of the reference, so they can be two bands apart (|t − b| ≤ |t − r| + |r − b|); at the
     * gate's shapes a band is one or two float32 ulps and a deviation moves in whole ulps, so one
     * more band keeps a one-ulp step of rounding from failing a refactor.
     */
    public static final double FLOOR = 3.0;

    /** The margin measured from {@code runs} held-out runs whose largest multiple of the band was {@code largest}. */
    public static NoiseMargin heldOut(int runs, double largest) {
        if (!(largest >= 0 && Double.isFinite(largest))) {
            throw new IllegalArgumentException("a held-out run's multiple of the band must be finite and >= 0, got " + largest);
        }
        double measured = HEADROOM * largest;
        String from = "from " + runs + " held-out run" + (runs == 1 ? "" : "s");
        return measured >= FLOOR
                ? new NoiseMargin(measured, from + " (" + Numbers.multiple(HEADROOM) + " \u00d7 their largest " + Numbers.multiple(largest) + "\u00d7)")
                : new NoiseMargin(FLOOR, from + " (the floor; their largest " + Numbers.multiple(largest) + "\u00d7)");
    }

    /** A margin the user gave; {@code setting}: how the caller names the setting (the command line: --noise-margin). */
    public static NoiseMargin given(double value, String setting) {
        return new NoiseMargin(value, "from " + setting);
    }

    /** An envelope without held-out runs. */
    public static NoiseMargin byDefault() {
        return new NoiseMargin(NoiseBand.DEFAULT_MARGIN, "by default (the envelope has no held-out runs; recalibrate for a measured margin)");
    }

    /** "margin 3.4× from 8 held-out runs (2 × their largest 1.7×)"; "margin 10×" when the source is not known (an older comparison.json). */
    public String describe() {
        return "margin " + Numbers.multiple(value) + "\u00d7" + (source == null ? "" : " " + source);
    }
}
