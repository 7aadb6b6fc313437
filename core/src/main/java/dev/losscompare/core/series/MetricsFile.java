package dev.losscompare.core.series;

import dev.losscompare.core.io.IoMessages;
import com.fasterxml.jackson.core.json.JsonReadFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Strict reader of the trainer's JSON Lines metrics file (see ARCHITECTURE.md).
 * Anything it cannot read exactly is an {@link UnreadableSeriesException}: a series the
 * harness could not read must never turn into a PASS.
 */
public final class MetricsFile {
    // The trainer writes NaN/Infinity as bare tokens so a diverged run is still recorded.
    private static final ObjectMapper JSON = JsonMapper.builder()
            .enable(JsonReadFeature.ALLOW_NON_NUMERIC_NUMBERS)
            .build();

    private MetricsFile() {}

    public static RunSeries read(Path file) {
        List<String> lines;
        try {
            lines = Files.readAllLines(file, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UnreadableSeriesException(file + ": cannot read metrics file (" + IoMessages.describe(e) + ")");
        }
        Map<String, Object> meta = Map.of();
        List<StepRecord> steps = new ArrayList<>();
        for (int i = 0; i < lines.size(); i++) {
            String line = lines.get(i).strip();
            if (line.isEmpty()) continue;
            JsonNode node;
            try {
                node = JSON.readTree(line);
            } catch (IOException e) {
                throw new UnreadableSeriesException(file + ":" + (i + 1) + ": not a JSON object (truncated or corrupt line)");
            }
            if (node == null || !node.isObject()) {
                throw new UnreadableSeriesException(file + ":" + (i + 1) + ": not a JSON object");
            }
            if (node.has("meta")) {
                if (!node.get("meta").isObject()) {
                    throw new UnreadableSeriesException(file + ":" + (i + 1) + ": \"meta\" is not a JSON object");
                }
                meta = Meta.withoutNulls(JSON.convertValue(node.get("meta"), Map.class));
                continue;
            }
            steps.add(parseStep(file, i + 1, node));
        }
        return new RunSeries(meta, steps);
    }

    private static StepRecord parseStep(Path file, int lineNo, JsonNode node) {
        JsonNode step = node.get("step");
        if (step == null || !step.canConvertToInt() || !step.isIntegralNumber()) {
            throw new UnreadableSeriesException(file + ":" + lineNo + ": missing or non-integer \"step\"");
        }
        Map<String, Double> values = new LinkedHashMap<>();
        var fields = node.fields();
        while (fields.hasNext()) {
            var f = fields.next();
            if (f.getKey().equals("step")) continue;
            if (f.getValue().isNumber()) values.put(f.getKey(), f.getValue().doubleValue());
        }
        JsonNode fp = node.get("data_fingerprint");
        return new StepRecord(step.intValue(), values, fp == null || fp.isNull() ? null : fp.asText());
    }
}
