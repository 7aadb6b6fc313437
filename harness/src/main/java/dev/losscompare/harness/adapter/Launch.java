package dev.losscompare.harness.adapter;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/**
 * One run to start: an argument list (never a shell string), its working directory, the
 * environment on top of the harness's (a null value removes a variable), and how many processes
 * a cluster launcher starts as its ranks ({@code tasks}: 1 when the command starts its own ranks,
 * as torchrun does, or runs alone).
 */
public record Launch(List<String> command, Path workDir, Map<String, String> environment, int tasks) {
    public Launch {
        command = List.copyOf(command);
        environment = java.util.Collections.unmodifiableMap(new java.util.LinkedHashMap<>(environment));
        if (tasks < 1) throw new IllegalArgumentException("tasks must be at least 1, got " + tasks);
    }

    /** One process (a command that starts any ranks itself). */
    public Launch(List<String> command, Path workDir, Map<String, String> environment) {
        this(command, workDir, environment, 1);
    }
}
