package dev.losscompare.harness.diagnose;

import com.fasterxml.jackson.core.json.JsonReadFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import java.io.BufferedReader;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** A trace file read whole: its events in execution order, and whether it ends with the "end" event. */
public record Trace(List<TraceEvent> events, boolean complete) {
    private static final ObjectMapper JSON = JsonMapper.builder().enable(JsonReadFeature.ALLOW_NON_NUMERIC_NUMBERS).build();

    public static Trace read(Path file) throws IOException {
        List<TraceEvent> events = new ArrayList<>();
        try (BufferedReader r = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
            String line;
            int n = 0;
            while ((line = r.readLine()) != null) {
                n++;
                if (line.isBlank()) continue;
                JsonNode node;
                try {
                    node = JSON.readTree(line);
                } catch (IOException e) {
                    throw new IOException(file.getFileName() + " line " + n + " is not JSON", e);
                }
                events.add(TraceEvent.of(node));
            }
        }
        boolean complete = !events.isEmpty() && events.get(events.size() - 1).event().equals("end");
        return new Trace(List.copyOf(events), complete);
    }

    /** The events of one kind at one step, in file order. */
    List<TraceEvent> at(String event, int step) {
        return events.stream().filter(e -> e.event().equals(event) && e.step() == step).toList();
    }
}
