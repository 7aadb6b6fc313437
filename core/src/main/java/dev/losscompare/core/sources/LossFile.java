package dev.losscompare.core.sources;

import dev.losscompare.core.io.IoMessages;
import dev.losscompare.core.series.RunSeries;
import dev.losscompare.core.series.StepRecord;
import dev.losscompare.core.series.UnreadableSeriesException;
import dev.losscompare.core.io.AtomicFiles;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * torchtitan's exported loss file: one "step loss" line per step. Values are written in Java's
 * shortest round-trip form, so an import reads back the exact doubles that were exported.
 * An import may also be a metrics file (JSON Lines) of an earlier run.
 */
public final class LossFile {
    private LossFile() {}

    public static void export(RunSeries series, Path file) throws IOException {
        StringBuilder out = new StringBuilder();
        for (StepRecord s : series.steps()) {
            Double loss = s.value("loss");
            if (loss == null) throw new IOException("step " + s.step() + " has no loss to export");
            out.append(s.step()).append(' ').append(loss).append('\n');
        }
        AtomicFiles.writeString(file, out.toString());
    }

    public static RunSeries read(Path file) {
        List<String> lines;
        try {
            lines = Files.readAllLines(file, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UnreadableSeriesException(file + ": cannot read (" + IoMessages.describe(e) + ")");
        }
        String first = lines.stream().filter(l -> !l.isBlank()).findFirst().orElse("");
        if (first.strip().startsWith("{")) return SeriesFiles.read(file);
        List<StepRecord> steps = new ArrayList<>();
        for (int i = 0; i < lines.size(); i++) {
            String line = lines.get(i).strip();
            if (line.isEmpty() || line.startsWith("#")) continue;
            String[] parts = line.split("\\s+");
            try {
                if (parts.length != 2) throw new NumberFormatException();
                steps.add(new StepRecord(Integer.parseInt(parts[0]), Map.of("loss", Double.parseDouble(parts[1])), null));
            } catch (NumberFormatException e) {
                throw new UnreadableSeriesException(file + ":" + (i + 1) + ": expected \"step loss\", got: " + line);
            }
        }
        if (steps.isEmpty()) throw new UnreadableSeriesException(file + ": no \"step loss\" lines");
        RunSeries series = new RunSeries(Map.of(), steps);
        SeriesFiles.checkOrder(series, file.toString());
        return series;
    }
}
