package dev.losscompare.harness.run;

import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

/** Finds a program on PATH the way a shell does: the first executable file of that name in PATH's folders. */
public final class OnPath {
    private OnPath() {}

    /** {@code program} on {@code env}'s PATH (the process's PATH when the map has none: children inherit it), or null. */
    public static Path find(String program, Map<String, String> env) {
        String path = env.containsKey("PATH") ? env.get("PATH") : System.getenv("PATH");
        if (path == null) return null;
        for (String dir : path.split(File.pathSeparator)) {
            if (dir.isEmpty()) continue;
            Path candidate = Path.of(dir, program);
            if (Files.isRegularFile(candidate) && Files.isExecutable(candidate)) {
                try {
                    return candidate.toRealPath();
                } catch (IOException e) {
                    return candidate.toAbsolutePath();
                }
            }
        }
        return null;
    }
}
