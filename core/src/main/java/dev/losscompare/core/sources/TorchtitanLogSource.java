package dev.losscompare.core.sources;

import dev.losscompare.core.io.IoMessages;
import dev.losscompare.core.text.Setting;
import dev.losscompare.core.series.RunSeries;
import dev.losscompare.core.series.StepRecord;
import dev.losscompare.core.series.UnreadableSeriesException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Text logs with torchtitan's step lines. torchtitan (6a3a9da9) logs each step as
 * {@code step: {step:2}  loss: {loss:7.4f}  grad_norm: {grad_norm:7.4f}  memory: ...}
 * (torchtitan/components/metrics.py:440-449), each field preceded by an ANSI colour code unless
 * metrics.disable_color_printing (torchtitan/tools/utils.py:127-138), behind the logging prefix
 * {@code [titan] %(asctime)s - %(name)s - %(levelname)s - } (torchtitan/tools/logging.py:20-22);
 * torchrun's --role rank --tee 3 (run_train.sh:22-23) puts {@code [rankN]:} in front.
 * This project's trainer prints the same step line without the prefixes.
 *
 * The rest of the line carries speed and memory: {@code memory: {max_reserved_gib:5.2f}GiB({pct:.2f}%)
 * tps: {round(tps):,}  tflops: {tflops:,.2f}  mfu: {mfu:.2f}%} (metrics.py:443-447); they are
 * read as {@code memory_gib}, {@code tps}, {@code tflops} and {@code mfu} for the performance
 * verdict (core.perf), never judged as numbers and never part of the printed precision.
 *
 * <p>Values carry the precision they were printed with (4 decimals for torchtitan's format).
 * When lines carry rank prefixes only one rank's lines are read: the chosen rank; without a choice,
 * the only rank with step lines (a log captured on one rank), else rank 0.
 */
final class TorchtitanLogSource {
    private static final Pattern ANSI = Pattern.compile("\u001B\\[[0-9;]*m");
    private static final Pattern RANK = Pattern.compile("^\\[rank(\\d+)\\]:");
    // "validate step:" lines (metrics.py:477-483) are validation, not training steps.
    private static final Pattern STEP = Pattern.compile(
            "(?<![A-Za-z_])(?<!validate )step:\\s*(\\d+)\\s+loss:\\s*(\\S+)\\s+grad_norm:\\s*(\\S+)");
    private static final Pattern MEMORY = Pattern.compile("\\smemory:\\s*([0-9.]+)GiB");
    private static final Pattern TPS = Pattern.compile("\\stps:\\s*([0-9][0-9,]*(?:\\.[0-9]+)?)");
    private static final Pattern TFLOPS = Pattern.compile("\\stflops:\\s*([0-9][0-9,]*(?:\\.[0-9]+)?)");
    private static final Pattern MFU = Pattern.compile("\\smfu:\\s*([0-9.]+)%");

    private TorchtitanLogSource() {}

    /** True when some line of {@code lines} is a torchtitan step line (used by format detection). */
    static boolean hasStepLine(List<String> lines) {
        for (String line : lines) {
            if (STEP.matcher(ANSI.matcher(line).replaceAll("")).find()) return true;
        }
        return false;
    }

    static SourcedSeries read(Path file, SourceOptions options) {
        List<String> lines = readLines(file);
        Map<Integer, List<Numbered>> byRank = new TreeMap<>();
        List<Numbered> unprefixed = new ArrayList<>();
        for (int i = 0; i < lines.size(); i++) {
            String line = ANSI.matcher(lines.get(i)).replaceAll("");
            Matcher rank = RANK.matcher(line);
            if (rank.find()) {
                byRank.computeIfAbsent(Integer.parseInt(rank.group(1)), r -> new ArrayList<>())
                        .add(new Numbered(i + 1, line.substring(rank.end())));
            } else {
                unprefixed.add(new Numbered(i + 1, line));
            }
        }
        List<Numbered> chosen;
        if (byRank.isEmpty()) {
            if (options.rank() != null) {
                throw new UnreadableSeriesException(file + ": no [rankN]: line prefixes, so there is no rank "
                        + options.rank() + " to select (drop " + options.words().name(Setting.RANK) + ", or log_rank in a [trainer] table)");
            }
            chosen = unprefixed;
        } else {
            TreeSet<Integer> withSteps = new TreeSet<>();
            byRank.forEach((r, ls) -> { if (hasStepLine(ls.stream().map(Numbered::text).toList())) withSteps.add(r); });
            // A log captured on one rank only (torchrun --local-ranks-filter, or one node's file): that rank is the run.
            if (options.rank() == null && withSteps.size() == 1) {
                int only = withSteps.first();
                return parse(file, byRank.get(only)).withNote(file.getFileName() + ": step lines of rank " + only
                        + " only, so rank " + only + " is read");
            }
            int rank = options.rank() == null ? 0 : options.rank();
            chosen = byRank.getOrDefault(rank, List.of());
            if (!hasStepLine(chosen.stream().map(Numbered::text).toList())) {
                throw new UnreadableSeriesException(file + ": no step lines of rank " + rank
                        + (withSteps.isEmpty() ? "" : " (ranks with step lines: " + withSteps + "; choose one with the rank selector:"
                                + " " + options.words().withValue(Setting.RANK, "N") + " for diff, log_rank in a [trainer] table)"));
            }
            if (options.rank() == null) {
                return parse(file, chosen).withNote(file.getFileName() + ": step lines of ranks " + withSteps + ", so rank " + rank
                        + " is read (choose another with " + options.words().withValue(Setting.RANK, "N") + ")");
            }
        }
        return parse(file, chosen);
    }

    private static SourcedSeries parse(Path file, List<Numbered> lines) {
        List<StepRecord> steps = new ArrayList<>();
        Map<Integer, Integer> lineOfStep = new HashMap<>();
        Map<String, Integer> decimals = new LinkedHashMap<>();
        int previous = Integer.MIN_VALUE;
        for (Numbered line : lines) {
            Matcher m = STEP.matcher(line.text());
            if (!m.find()) continue;
            int step = Integer.parseInt(m.group(1));
            Integer before = lineOfStep.putIfAbsent(step, line.number());
            if (before != null) {
                throw new UnreadableSeriesException(file + ":" + line.number() + ": step " + step + " again (first at line "
                        + before + "); a restarted run? select one run's lines");
            }
            if (step < previous) {
                throw new UnreadableSeriesException(file + ":" + line.number() + ": step " + step + " after step " + previous);
            }
            previous = step;
            Map<String, Double> values = new LinkedHashMap<>();
            values.put("loss", PrintedNumbers.parse(file, line.number(), "loss", m.group(2), decimals));
            values.put("grad_norm", PrintedNumbers.parse(file, line.number(), "grad_norm", m.group(3), decimals));
            String rest = line.text().substring(m.end());
            optional(rest, MEMORY, "memory_gib", values);
            optional(rest, TPS, "tps", values);
            optional(rest, TFLOPS, "tflops", values);
            optional(rest, MFU, "mfu", values);
            steps.add(new StepRecord(step, values, null));
        }
        if (steps.isEmpty()) throw new UnreadableSeriesException(file + ": no torchtitan step lines (step: N  loss: X  grad_norm: Y)");
        Map<String, ValuePrecision> precision = new LinkedHashMap<>();
        decimals.forEach((metric, d) -> precision.put(metric, ValuePrecision.decimals(d)));
        return new SourcedSeries(file, SeriesFormat.TORCHTITAN_LOG, new RunSeries(Map.of(), steps), precision);
    }

    /** A speed or memory field when the line has it ("mfu: N/A" and other text are left out). */
    private static void optional(String rest, Pattern field, String key, Map<String, Double> values) {
        Matcher m = field.matcher(rest);
        if (m.find()) values.put(key, Double.parseDouble(m.group(1).replace(",", "")));
    }

    static List<String> readLines(Path file) {
        try {
            return Files.readAllLines(file, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UnreadableSeriesException(file + ": cannot read log (" + IoMessages.describe(e) + ")");
        }
    }

    private record Numbered(int number, String text) {}
}
