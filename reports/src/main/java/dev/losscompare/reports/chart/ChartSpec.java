package dev.losscompare.reports.chart;

import java.util.List;

/**
 * What to draw: one or more line series over steps, optionally on a log y axis, with an optional
 * vertical marker (the first divergent step) and shaded bands beneath the lines (baseline ± the
 * measured noise). Sizes are in CSS pixels of the SVG view box.
 */
public record ChartSpec(
        String title,
        int width,
        int height,
        String yLabel,
        boolean logY,
        boolean zeroLine,
        List<Series> series,
        Integer markerStep,
        String markerLabel,
        List<Band> bands) {

    public ChartSpec {
        series = List.copyOf(series);
        bands = List.copyOf(bands);
    }

    /** A chart of lines only. */
    public ChartSpec(String title, int width, int height, String yLabel, boolean logY, boolean zeroLine, List<Series> series,
                     Integer markerStep, String markerLabel) {
        this(title, width, height, yLabel, logY, zeroLine, series, markerStep, markerLabel, List.of());
    }

    /** One line. {@code dash} is an SVG dash array or null for solid; {@code opacity} 1 is opaque. */
    public record Series(String name, String color, double width, double opacity, String dash, double[] steps, double[] values) {}

    /** A shaded region from {@code low} to {@code high} at each of {@code steps} (linear axes only; a log chart draws none). */
    public record Band(String name, String color, double opacity, double[] steps, double[] low, double[] high) {}
}
