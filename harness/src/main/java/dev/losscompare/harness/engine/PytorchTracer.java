package dev.losscompare.harness.engine;

import dev.losscompare.harness.io.Sha256;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The PyTorch tracer (tracer/ in the source tree, in the jar beside this class): written out into a
 * folder for the traced run's PYTHONPATH, and the environment that turns it on. Its {@link #identity}
 * (a digest of its sources) is part of every traced run's cache key, so a changed tracer traces again.
 */
final class PytorchTracer {
    private static final String RESOURCES = "pytorch_tracer/";
    private static final List<String> FILES = List.of("sitecustomize.py", "loss_compare_tracer/__init__.py",
            "loss_compare_tracer/recorder.py", "loss_compare_tracer/summary.py");
    private static final Map<String, byte[]> SOURCES = read();

    private PytorchTracer() {}

    static String identity() {
        List<String> parts = new java.util.ArrayList<>();
        SOURCES.forEach((name, bytes) -> parts.add(name + " " + new String(bytes, StandardCharsets.UTF_8)));
        return "pytorch-tracer " + Sha256.hex(parts.toArray(String[]::new));
    }

    /** Writes the tracer into {@code folder} (the PYTHONPATH entry); returns it. */
    static Path writeTo(Path folder) throws IOException {
        for (var e : SOURCES.entrySet()) {
            Path target = folder.resolve(e.getKey());
            Files.createDirectories(target.getParent());
            Files.write(target, e.getValue());
        }
        return folder;
    }

    /**
     * The launch environment with the tracer on: its folder first on PYTHONPATH (before what the run
     * or the harness already has), the folder it writes into and the steps to trace.
     */
    static Map<String, String> environment(Map<String, String> launchEnv, Path tracer, Path out, String steps) {
        Map<String, String> env = new LinkedHashMap<>(launchEnv);
        String existing = launchEnv.containsKey("PYTHONPATH") ? launchEnv.get("PYTHONPATH") : System.getenv("PYTHONPATH");
        env.put("PYTHONPATH", tracer.toAbsolutePath() + (existing == null || existing.isEmpty() ? "" : java.io.File.pathSeparator + existing));
        env.put("LOSS_COMPARE_TRACE_DIR", out.toAbsolutePath().toString());
        env.put("LOSS_COMPARE_TRACE_STEPS", steps);
        return env;
    }

    private static Map<String, byte[]> read() {
        Map<String, byte[]> out = new LinkedHashMap<>();
        for (String f : FILES) {
            try (InputStream in = PytorchTracer.class.getResourceAsStream("/dev/losscompare/harness/" + RESOURCES + f)) {
                if (in == null) throw new IllegalStateException("the harness jar lacks the PyTorch tracer's " + f);
                out.put(f, in.readAllBytes());
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        return out;
    }
}
