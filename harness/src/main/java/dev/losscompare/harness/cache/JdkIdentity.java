package dev.losscompare.harness.cache;

import dev.losscompare.harness.run.OnPath;
import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Which JVM will run the trainer. run_train.sh starts {@code java} from PATH, which need not be
 * the JVM running the harness, so this asks that binary ({@code java -XshowSettings:properties
 * -version}, ~0.2 s) once per process and binary, and keeps the properties that identify the
 * build: java.runtime.version, java.vendor, java.vm.name, java.vm.version, os.arch.
 */
public final class JdkIdentity {
    private static final Pattern PROPERTY =
            Pattern.compile("^ {4}(java\\.runtime\\.version|java\\.vendor|java\\.vm\\.name|java\\.vm\\.version|os\\.arch) = (.*)$");
    private static final Map<Path, String> KNOWN = new ConcurrentHashMap<>();

    private JdkIdentity() {}

    /**
     * The identity of the {@code java} on {@code env}'s PATH (the process's PATH when the map has
     * none: the trainer inherits this process's environment).
     */
    public static String of(Map<String, String> env) {
        Path java = OnPath.find("java", env);
        if (java == null) return "java: not found on PATH";
        return KNOWN.computeIfAbsent(java, JdkIdentity::probe);
    }

    private static String probe(Path java) {
        try {
            Process p = new ProcessBuilder(List.of(java.toString(), "-XshowSettings:properties", "-version"))
                    .redirectErrorStream(true).redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null"))).start();
            byte[] out = p.getInputStream().readAllBytes();
            if (!p.waitFor(30, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                return "java " + java + ": no answer to -version";
            }
            Map<String, String> props = new TreeMap<>();
            for (String line : new String(out, StandardCharsets.UTF_8).split("\n")) {
                Matcher m = PROPERTY.matcher(line.stripTrailing());
                if (m.matches()) props.put(m.group(1), m.group(2));
            }
            if (props.isEmpty()) return "java " + java + ": unrecognized -version output";
            StringBuilder s = new StringBuilder();
            props.forEach((k, v) -> s.append(s.isEmpty() ? "" : ";").append(k).append('=').append(v));
            return s.toString();
        } catch (IOException e) {
            return "java " + java + ": cannot run (" + e.getMessage() + ")";
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return "java " + java + ": interrupted";
        }
    }
}
