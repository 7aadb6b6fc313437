package dev.losscompare.harness.diagnose;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.losscompare.core.io.AtomicFiles;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * What the PyTorch tracer left in its folder (docs/pytorch-trace.md): one {@code rank<R>.trace.jsonl}
 * per rank that stepped an optimizer, and a {@code process-<pid>.json} note from every process that
 * traced nothing. {@link #merge} makes the side's one trace file (ranks in order), or says why there
 * is none.
 */
public final class PytorchTraceFiles {
    private static final Pattern RANK_FILE = Pattern.compile("rank(\\d+)\\.trace\\.jsonl");

    private PytorchTraceFiles() {}

    /** Writes the ranks' traces, in rank order, into {@code target}; returns null, or why there is no trace. */
    public static String merge(Path folder, Path target) throws IOException {
        List<Path> ranks = new ArrayList<>();
        boolean torch = false, notes = false;
        if (Files.isDirectory(folder)) {
            try (Stream<Path> files = Files.list(folder)) {
                for (Path f : files.sorted().toList()) {
                    String name = f.getFileName().toString();
                    if (RANK_FILE.matcher(name).matches()) ranks.add(f);
                    if (name.startsWith("process-") && name.endsWith(".json")) {
                        notes = true;
                        JsonNode note = new ObjectMapper().readTree(f.toFile());
                        torch |= note.path("torch_imported").asBoolean(false);
                    }
                }
            }
        }
        if (ranks.isEmpty()) {
            if (!notes) return "the PyTorch tracer wrote nothing (does the trainer run a Python that reads PYTHONPATH's sitecustomize?)";
            return torch ? "the trainer ran PyTorch but stepped no torch.optim optimizer (the tracer counts steps at Optimizer.step())"
                    : "the trainer did not run PyTorch (no process imported torch)";
        }
        ranks.sort((a, b) -> Integer.compare(rank(a), rank(b)));
        ByteArrayOutputStream all = new ByteArrayOutputStream();
        for (Path r : ranks) all.write(Files.readAllBytes(r));
        AtomicFiles.write(target, all.toByteArray());
        return null;
    }

    private static int rank(Path file) {
        Matcher m = RANK_FILE.matcher(file.getFileName().toString());
        return m.matches() ? Integer.parseInt(m.group(1)) : Integer.MAX_VALUE;
    }
}
