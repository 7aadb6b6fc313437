package dev.losscompare.reports.chart;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.stream.IntStream;
import javax.xml.parsers.DocumentBuilderFactory;
import org.junit.jupiter.api.Test;

class SvgChartTest {
    private static double[] steps(int n) {
        return IntStream.rangeClosed(1, n).asDoubleStream().toArray();
    }

    private static ChartSpec spec(boolean log, double[] x, double[] y, Integer marker) {
        return new ChartSpec("t <&>", 600, 240, "loss", log, !log,
                List.of(new ChartSpec.Series("s", "#123456", 1.5, 1, null, x, y)), marker, "first divergence");
    }

    /** The SVG is well-formed XML (so it inlines into HTML safely) and names nothing outside itself. */
    private static org.w3c.dom.Document parse(String svg) throws Exception {
        return DocumentBuilderFactory.newInstance().newDocumentBuilder()
                .parse(new java.io.ByteArrayInputStream(svg.getBytes(java.nio.charset.StandardCharsets.UTF_8)));
    }

    @Test
    void downsamplingKeepsExtremesEndsAndOrder() {
        int n = 10_000;
        double[] x = steps(n), y = new double[n];
        for (int i = 0; i < n; i++) y[i] = Math.sin(i * 0.37) + (i == 4321 ? 50 : 0) - (i == 777 ? 40 : 0);
        y[9000] = Double.NaN;
        double[][] d = Downsampler.minMax(x, y, 500);
        assertTrue(d[0].length <= 5 * 500 && d[0].length >= 1000, "points: " + d[0].length);
        assertEquals(1, d[0][0]);
        assertEquals(n, d[0][d[0].length - 1]);
        for (int i = 1; i < d[0].length; i++) assertTrue(d[0][i] > d[0][i - 1], "strictly increasing steps");
        List<Double> ys = java.util.Arrays.stream(d[1]).boxed().toList();
        assertTrue(ys.contains(y[4321]) && ys.contains(y[777]), "spikes survive");
        assertTrue(ys.stream().anyMatch(v -> v.isNaN()), "gaps survive");
        double[][] same = Downsampler.minMax(steps(100), steps(100), 500);
        assertArrayEquals(steps(100), same[1], "short series are untouched");
    }

    /** A band is one closed, filled outline beneath the lines, and the y axis widens to hold it. */
    @Test
    void aBandIsShadedBeneathTheLinesAndFitsTheAxis() throws Exception {
        double[] x = steps(3), y = {5, 4, 3};
        ChartSpec.Band band = new ChartSpec.Band("baseline \u00b1 measured noise", "#2ca02c", 0.22, x,
                new double[] {4.9, 3.5, 1}, new double[] {5.1, 4.5, 9});
        ChartSpec withBand = new ChartSpec("t", 600, 240, "loss", false, false,
                List.of(new ChartSpec.Series("s", "#123456", 1.5, 1, null, x, y)), null, null, List.of(band));
        String svg = SvgChart.render(withBand);
        parse(svg);
        var m = java.util.regex.Pattern.compile("<path class=\"band\" d=\"M([^\"]*)Z\" fill=\"#2ca02c\" fill-opacity=\"0.2\"").matcher(svg);
        assertTrue(m.find(), svg);
        assertEquals(6, m.group(1).split("L").length, "three high points forward, three low points back");
        assertTrue(svg.indexOf("class=\"band\"") < svg.indexOf("class=\"series\""), "shaded beneath the line");
        assertTrue(svg.contains(">baseline \u00b1 measured noise</text>"), "named in the legend");
        // The band's 1 and 9 lie outside the line's 3..5: the y axis widens so the outline stays in the plot (y 30..200).
        for (String point : m.group(1).split("L")) {
            double py = Double.parseDouble(point.split(" ")[1]);
            assertTrue(py >= 30 && py <= 200, "inside the plot: " + point);
        }
        assertFalse(SvgChart.render(new ChartSpec("t", 600, 240, "loss", true, false,
                List.of(new ChartSpec.Series("s", "#123456", 1.5, 1, null, x, y)), null, null, List.of(band))).contains("class=\"band\""),
                "a log chart draws no band");
    }

    @Test
    void rendersWellFormedDeterministicSvg() throws Exception {
        double[] x = steps(300), y = new double[300];
        for (int i = 0; i < 300; i++) y[i] = 8 * Math.exp(-i / 50.0);
        String a = SvgChart.render(spec(false, x, y, 120)), b = SvgChart.render(spec(false, x, y, 120));
        assertEquals(a, b);
        var doc = parse(a);
        assertEquals("svg", doc.getDocumentElement().getTagName());
        assertTrue(a.contains("class=\"divergence\""));
        assertFalse(a.contains("id="), "no ids that could clash between inline charts");
        assertTrue(a.contains("<title>t &lt;&amp;&gt;</title>"));
    }

    @Test
    void logScaleSkipsZerosAndSurvivesDegenerateInput() throws Exception {
        double[] x = steps(50), y = new double[50];
        for (int i = 25; i < 50; i++) y[i] = Math.pow(10, -8 + i / 10.0);
        String svg = SvgChart.render(spec(true, x, y, 26));
        parse(svg);
        assertTrue(svg.contains(">1e-6<") || svg.contains(">1e-5<"), "decade ticks on the log axis");
        assertFalse(svg.contains("NaN") || svg.contains("Infinity"));
        // One point, all-NaN and all-zero-on-log inputs still give a valid picture, never an exception.
        for (ChartSpec s : List.of(spec(false, new double[] {1}, new double[] {2.5}, null),
                spec(false, steps(3), new double[] {Double.NaN, Double.NaN, Double.NaN}, null),
                spec(true, steps(3), new double[3], 2))) {
            String out = SvgChart.render(s);
            parse(out);
            assertFalse(out.contains("NaN") || out.contains("Infinity"), out);
        }
    }

    @Test
    void tickLabelsAreShortAndLocaleFree() {
        assertEquals("2.5e-7", Ticks.compactSci(2.5e-7));
        assertEquals("1e-3", Ticks.compactSci(1e-3));
        assertEquals("0.05", Ticks.label(0.05, 0.01));
        assertEquals("2000", Ticks.label(2000, 1000));
        assertEquals("1e-6", Ticks.decade(-6));
        assertEquals(List.of(0.0, 0.5, 1.0), Ticks.linear(-0.1, 1.1, 0.5));
    }
}
