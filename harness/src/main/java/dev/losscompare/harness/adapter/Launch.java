package dev.losscompare.harness.adapter;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/**
 * One process to start: an argument list (never a shell string), its working directory and the
 * environment on top of the harness's (a null value removes a variable).
 */
public record Launch(List<String> command, Path workDir, Map<String, String> environment) {
    public Launch {
        command = List.copyOf(command);
        environment = java.util.Collections.unmodifiableMap(new java.util.LinkedHashMap<>(environment));
    }
}
