package dev.losscompare.core.sources;

import dev.losscompare.core.series.RunSeries;
import dev.losscompare.core.series.StepRecord;
import dev.losscompare.core.series.UnreadableSeriesException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Any trainer's log lines, read with a pattern whose named groups are {@code step} and the
 * metrics ({@code loss}, optional {@code grad_norm} and others), e.g.
 * {@code iter (?<step>\d+): loss (?<loss>[0-9.]+)} for nanoGPT's "iter 5: loss 3.0655, time 9.57ms".
 * {@code stepOffset} maps the printed step to ours (nanoGPT counts from 0: offset 1). Values carry
 * the precision they were printed with. Steps are kept in log order, a repeat included: the judge
 * ignores steps after the N asked for and calls a gap or repeat inside 1..N an ERROR.
 */
public final class PatternLogSource {
    private static final Pattern GROUP = Pattern.compile("\\(\\?<([a-zA-Z][a-zA-Z0-9]*)>");
    private static final Pattern ANSI = Pattern.compile("\u001B\\[[0-9;]*m");

    private PatternLogSource() {}

    /** The pattern's metric groups (every named group but step); the pattern must name step and loss. */
    public static List<String> metrics(Pattern pattern) {
        List<String> names = new ArrayList<>();
        Matcher g = GROUP.matcher(pattern.pattern());
        while (g.find()) if (!g.group(1).equals("step")) names.add(g.group(1));
        return names;
    }

    public static SourcedSeries read(Path file, Pattern pattern, int stepOffset) {
        List<String> metrics = metrics(pattern);
        List<String> lines = TorchtitanLogSource.readLines(file);
        List<StepRecord> steps = new ArrayList<>();
        Map<String, Integer> decimals = new LinkedHashMap<>();
        for (int i = 0; i < lines.size(); i++) {
            Matcher m = pattern.matcher(ANSI.matcher(lines.get(i)).replaceAll(""));
            if (!m.find()) continue;
            int step;
            try {
                step = Integer.parseInt(m.group("step")) + stepOffset;
            } catch (NumberFormatException e) {
                throw new UnreadableSeriesException(file + ":" + (i + 1) + ": step '" + m.group("step") + "' is not a whole number");
            }
            Map<String, Double> values = new LinkedHashMap<>();
            for (String metric : metrics) {
                String text = m.group(metric);
                if (text != null) values.put(metricName(metric), PrintedNumbers.parse(file, i + 1, metric, text, decimals));
            }
            if (step < 1) {
                throw new UnreadableSeriesException(file + ":" + (i + 1) + ": printed step " + m.group("step") + " with step_offset "
                        + stepOffset + " is step " + step + ", but steps count from 1; a trainer that counts from 0 needs step_offset = "
                        + (stepOffset + 1 - step));
            }
            // In log order, repeats included: the judge decides (a repeat after step N is ignored, inside 1..N an ERROR).
            steps.add(new StepRecord(step, values, null));
        }
        if (steps.isEmpty()) throw new UnreadableSeriesException(file + ": no line matches the log pattern " + pattern.pattern());
        Map<String, ValuePrecision> precision = new LinkedHashMap<>();
        decimals.forEach((metric, d) -> precision.put(metricName(metric), ValuePrecision.decimals(d)));
        return new SourcedSeries(file, SeriesFormat.TORCHTITAN_LOG, new RunSeries(Map.of(), steps), precision);
    }

    /** Java group names cannot hold '_': gradnorm or grad_norm both mean grad_norm. */
    private static String metricName(String group) {
        return group.equals("gradnorm") ? "grad_norm" : group;
    }
}
