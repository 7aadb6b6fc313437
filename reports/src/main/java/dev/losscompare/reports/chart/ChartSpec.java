package dev.losscompare.reports.chart;

import java.util.List;

/**
 * What to draw: one or more line series over steps, optionally on a log y axis, with an optional
 * vertical marker (the first divergent step). Sizes are in CSS pixels of the SVG view box.
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
        String markerLabel) {

    public ChartSpec {
        series = List.copyOf(series);
    }

    /** One line. {@code dash} is an SVG dash array or null for solid; {@code opacity} 1 is opaque. */
    public record Series(String name, String color, double width, double opacity, String dash, double[] steps, double[] values) {}
}
