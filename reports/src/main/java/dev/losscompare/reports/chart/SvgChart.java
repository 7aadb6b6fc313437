package dev.losscompare.reports.chart;

import static dev.losscompare.reports.text.Markup.esc;

import java.util.List;
import java.util.Locale;

/**
 * Renders a {@link ChartSpec} as inline SVG text. Hand-written rather than through a charting
 * library so the output is small (a 10,000-step chart is tens of kilobytes), sharp at any zoom,
 * needs no fonts or AWT on a headless CI machine, and is byte-for-byte deterministic.
 */
public final class SvgChart {
    private static final int LEFT = 70, RIGHT = 26, TOP = 30, BOTTOM = 40;
    private static final String FONT = "system-ui,-apple-system,'Segoe UI',Roboto,sans-serif";
    private static final String MARKER = "#c62828";
    /** Below this many points per series, each point also gets a dot (short runs stay legible). */
    private static final int DOTS_UP_TO = 60;

    private SvgChart() {}

    public static String render(ChartSpec spec) {
        int w = spec.width(), h = spec.height();
        double px0 = LEFT, px1 = w - RIGHT, py0 = TOP, py1 = h - BOTTOM;
        int buckets = (int) (px1 - px0);

        // Downsample first so the axes fit what is drawn (min/max buckets keep the extremes anyway).
        double[][][] pts = new double[spec.series().size()][][];
        double xmin = Double.POSITIVE_INFINITY, xmax = Double.NEGATIVE_INFINITY;
        double ymin = Double.POSITIVE_INFINITY, ymax = Double.NEGATIVE_INFINITY;
        for (int i = 0; i < pts.length; i++) {
            ChartSpec.Series s = spec.series().get(i);
            double[] y = spec.logY() ? positiveOrNaN(s.values()) : s.values();
            pts[i] = Downsampler.minMax(s.steps(), y, buckets);
            for (int j = 0; j < pts[i][0].length; j++) {
                double v = pts[i][1][j];
                xmin = Math.min(xmin, pts[i][0][j]);
                xmax = Math.max(xmax, pts[i][0][j]);
                if (!Double.isFinite(v)) continue;
                ymin = Math.min(ymin, v);
                ymax = Math.max(ymax, v);
            }
        }
        List<ChartSpec.Band> bands = spec.logY() ? List.of() : spec.bands();
        double[][][] edges = new double[bands.size()][][];   // per band: downsampled steps, high, low
        for (int i = 0; i < edges.length; i++) {
            ChartSpec.Band band = bands.get(i);
            double[][] hi = Downsampler.minMax(band.steps(), band.high(), buckets);
            double[][] lo = Downsampler.minMax(band.steps(), band.low(), buckets);
            edges[i] = new double[][] {hi[0], hi[1], lo[0], lo[1]};
            for (double[] ys : new double[][] {hi[1], lo[1]}) {
                for (double v : ys) {
                    if (!Double.isFinite(v)) continue;
                    ymin = Math.min(ymin, v);
                    ymax = Math.max(ymax, v);
                }
            }
        }
        if (spec.markerStep() != null) {
            xmin = Math.min(xmin, spec.markerStep());
            xmax = Math.max(xmax, spec.markerStep());
        }
        if (!(xmin <= xmax)) { xmin = 0; xmax = 1; }
        if (xmin == xmax) { xmin -= 0.5; xmax += 0.5; }

        boolean noY = !(ymin <= ymax);
        Axis ax = new Axis(xmin, xmax, px0, px1, false);
        Axis ay;
        if (spec.logY()) {
            int lo = noY ? -1 : (int) Math.floor(Math.log10(ymin));
            int hi = noY ? 0 : (int) Math.ceil(Math.log10(ymax));
            if (hi == lo) hi++;
            ay = new Axis(lo, hi, py1, py0, true);
        } else {
            if (noY) { ymin = 0; ymax = 1; }
            if (spec.zeroLine()) { ymin = Math.min(ymin, 0); ymax = Math.max(ymax, 0); }
            double pad = ymax > ymin ? (ymax - ymin) * 0.06 : Math.max(Math.abs(ymax) * 0.01, 1e-12);
            ay = new Axis(ymin - pad, ymax + pad, py1, py0, false);
        }

        StringBuilder b = new StringBuilder(16_384);
        b.append("<svg class=\"plot\" xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 ").append(w).append(' ').append(h)
                .append("\" width=\"").append(w).append("\" height=\"").append(h)
                .append("\" role=\"img\" font-family=\"").append(esc(FONT)).append("\" font-size=\"11\">");
        b.append("<title>").append(esc(spec.title())).append("</title>");
        b.append("<rect x=\"0\" y=\"0\" width=\"").append(w).append("\" height=\"").append(h).append("\" fill=\"#fff\"/>");

        // Grid and tick labels.
        StringBuilder grid = new StringBuilder(), labels = new StringBuilder();
        double xstep = Ticks.niceStep(xmax - xmin, Math.max(3, (int) ((px1 - px0) / 70)), true);
        for (double t : Ticks.linear(xmin, xmax, xstep)) {
            double x = ax.map(t);
            grid.append("M").append(n(x)).append(' ').append(n(py0)).append("V").append(n(py1));
            labels.append(text(x, py1 + 15, "middle", Ticks.label(t, xstep), "#444"));
        }
        if (spec.logY()) {
            for (int e : Ticks.decades((int) ay.lo, (int) ay.hi)) {
                double y = ay.map(e);
                grid.append("M").append(n(px0)).append(' ').append(n(y)).append("H").append(n(px1));
                labels.append(text(px0 - 6, y + 4, "end", Ticks.decade(e), "#444"));
            }
        } else {
            double ystep = Ticks.niceStep(ay.hi - ay.lo, Math.max(2, (int) ((py1 - py0) / 45)), false);
            for (double t : Ticks.linear(ay.lo, ay.hi, ystep)) {
                double y = ay.map(t);
                grid.append("M").append(n(px0)).append(' ').append(n(y)).append("H").append(n(px1));
                labels.append(text(px0 - 6, y + 4, "end", Ticks.label(t, ystep), "#444"));
            }
        }
        b.append("<path d=\"").append(grid).append("\" stroke=\"#e6e6e6\" stroke-width=\"1\" fill=\"none\"/>");
        b.append(labels);
        b.append("<rect x=\"").append(n(px0)).append("\" y=\"").append(n(py0)).append("\" width=\"").append(n(px1 - px0))
                .append("\" height=\"").append(n(py1 - py0)).append("\" fill=\"none\" stroke=\"#999\" stroke-width=\"1\"/>");
        if (spec.zeroLine() && !spec.logY() && ay.lo < 0 && ay.hi > 0) {
            double y = ay.map(0);
            b.append("<path d=\"M").append(n(px0)).append(' ').append(n(y)).append("H").append(n(px1))
                    .append("\" stroke=\"#555\" stroke-width=\"1\"/>");
        }
        b.append(text((px0 + px1) / 2, h - 6, "middle", "step", "#333"));
        b.append("<text x=\"14\" y=\"").append(n((py0 + py1) / 2)).append("\" text-anchor=\"middle\" fill=\"#333\" transform=\"rotate(-90 14 ")
                .append(n((py0 + py1) / 2)).append(")\">").append(esc(spec.yLabel())).append("</text>");

        // Bands beneath the lines: the high edge forward, the low edge back, closed.
        for (int i = 0; i < edges.length; i++) {
            String d = outline(edges[i], ax, ay);
            if (d.isEmpty()) continue;
            ChartSpec.Band band = bands.get(i);
            b.append("<path class=\"band\" d=\"").append(d).append("\" fill=\"").append(band.color()).append("\" fill-opacity=\"")
                    .append(n(band.opacity())).append("\" stroke=\"none\"/>");
        }

        // Series, clipped to the plot area by construction (the axes cover every finite point).
        for (int i = 0; i < pts.length; i++) {
            ChartSpec.Series s = spec.series().get(i);
            double[] xs = pts[i][0], ys = pts[i][1];
            String d = path(xs, ys, ax, ay, spec.logY());
            if (!d.isEmpty()) {
                b.append("<path class=\"series\" d=\"").append(d).append("\" fill=\"none\" stroke=\"").append(s.color())
                        .append("\" stroke-width=\"").append(n(s.width())).append("\" stroke-linejoin=\"round\"");
                if (s.opacity() < 1) b.append(" stroke-opacity=\"").append(n(s.opacity())).append('"');
                if (s.dash() != null) b.append(" stroke-dasharray=\"").append(s.dash()).append('"');
                b.append("/>");
            }
            if (xs.length <= DOTS_UP_TO) {
                double r = i == 0 ? 2.8 : 1.7;
                for (int j = 0; j < xs.length; j++) {
                    if (!Double.isFinite(ys[j])) continue;
                    b.append("<circle cx=\"").append(n(ax.map(xs[j]))).append("\" cy=\"").append(n(ay.map(yv(ys[j], spec.logY()))))
                            .append("\" r=\"").append(n(r)).append("\" fill=\"").append(s.color()).append("\"/>");
                }
            }
        }

        // First divergent step.
        if (spec.markerStep() != null) {
            double x = ax.map(spec.markerStep());
            b.append("<path class=\"divergence\" d=\"M").append(n(x)).append(' ').append(n(py0)).append("V").append(n(py1))
                    .append("\" stroke=\"").append(MARKER).append("\" stroke-width=\"1.5\" stroke-dasharray=\"5 3\"/>");
            boolean right = x > (px0 + px1) / 2;
            b.append(text(right ? x - 4 : x + 4, py0 + 13, right ? "end" : "start", "step " + spec.markerStep(), MARKER));
        }

        // Legend across the top.
        double lx = px0;
        for (ChartSpec.Series s : spec.series()) {
            b.append("<path d=\"M").append(n(lx)).append(" 15H").append(n(lx + 20)).append("\" stroke=\"").append(s.color())
                    .append("\" stroke-width=\"").append(n(Math.max(2, s.width()))).append('"');
            if (s.opacity() < 1) b.append(" stroke-opacity=\"").append(n(s.opacity())).append('"');
            if (s.dash() != null) b.append(" stroke-dasharray=\"").append(s.dash()).append('"');
            b.append("/>");
            b.append(text(lx + 25, 19, "start", s.name(), "#222"));
            lx += 35 + 6.5 * s.name().length();
        }
        for (ChartSpec.Band band : bands) {
            b.append("<rect x=\"").append(n(lx)).append("\" y=\"10\" width=\"20\" height=\"10\" fill=\"").append(band.color())
                    .append("\" fill-opacity=\"").append(n(band.opacity())).append("\"/>");
            b.append(text(lx + 25, 19, "start", band.name(), "#222"));
            lx += 35 + 6.5 * band.name().length();
        }
        if (spec.markerStep() != null) {
            b.append("<path d=\"M").append(n(lx)).append(" 15H").append(n(lx + 20)).append("\" stroke=\"").append(MARKER)
                    .append("\" stroke-width=\"1.5\" stroke-dasharray=\"5 3\"/>");
            b.append(text(lx + 25, 19, "start", spec.markerLabel() != null ? spec.markerLabel() : "first divergence", MARKER));
        }
        b.append("</svg>");
        return b.toString();
    }

    private static String path(double[] xs, double[] ys, Axis ax, Axis ay, boolean log) {
        StringBuilder d = new StringBuilder(xs.length * 12);
        boolean pen = false;
        for (int j = 0; j < xs.length; j++) {
            if (!Double.isFinite(ys[j])) { pen = false; continue; }
            d.append(pen ? "L" : "M").append(n(ax.map(xs[j]))).append(' ').append(n(ay.map(yv(ys[j], log))));
            pen = true;
        }
        return d.toString();
    }

    /** A closed outline through the finite points of {@code {steps, high, steps, low}}: high left to right, low right to left. */
    private static String outline(double[][] e, Axis ax, Axis ay) {
        StringBuilder d = new StringBuilder((e[0].length + e[2].length) * 12);
        for (int j = 0; j < e[0].length; j++) {
            if (!Double.isFinite(e[1][j])) continue;
            d.append(d.length() == 0 ? "M" : "L").append(n(ax.map(e[0][j]))).append(' ').append(n(ay.map(e[1][j])));
        }
        if (d.length() == 0) return "";
        for (int j = e[2].length - 1; j >= 0; j--) {
            if (!Double.isFinite(e[3][j])) continue;
            d.append('L').append(n(ax.map(e[2][j]))).append(' ').append(n(ay.map(e[3][j])));
        }
        return d.append('Z').toString();
    }

    private static double yv(double v, boolean log) {
        return log ? Math.log10(v) : v;
    }

    private static double[] positiveOrNaN(double[] v) {
        double[] out = new double[v.length];
        for (int i = 0; i < v.length; i++) out[i] = v[i] > 0 && Double.isFinite(v[i]) ? v[i] : Double.NaN;
        return out;
    }

    private static String text(double x, double y, String anchor, String s, String color) {
        return "<text x=\"" + n(x) + "\" y=\"" + n(y) + "\" text-anchor=\"" + anchor + "\" fill=\"" + color + "\">" + esc(s) + "</text>";
    }

    /** One decimal place is sub-pixel at any sensible zoom and keeps long paths short. */
    static String n(double v) {
        long tenths = Math.round(v * 10);
        if (tenths % 10 == 0) return Long.toString(tenths / 10);
        return String.format(Locale.ROOT, "%.1f", tenths / 10.0);
    }

    /** A linear map from data (or log10 data) to pixels. */
    private record Axis(double lo, double hi, double p0, double p1, boolean log) {
        double map(double v) {
            return p0 + (v - lo) / (hi - lo) * (p1 - p0);
        }
    }
}
