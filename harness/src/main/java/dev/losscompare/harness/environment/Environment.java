package dev.losscompare.harness.environment;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * A named environment a side trains in (an {@code [environment.NAME]} table of a suite or trainer
 * file): the argument list put before the trainer command ({@code command_prefix}: another venv's
 * python, {@code apptainer exec image.sif}, a wrapper script), extra variables ({@code env}), and for
 * this repository's trainer the Maven properties of its build ({@code libtorch} is the bytedeco
 * pytorch-platform version, property {@value #LIBTORCH_PROPERTY}; {@code maven_properties} any other).
 * What the side really ran is read from its runs, never from this table (SideFacts).
 */
public record Environment(String name, List<String> commandPrefix, Map<String, String> env, Map<String, String> mavenProperties) {
    /** The Maven property of this repository's trainer that chooses libtorch (pom.xml). */
    public static final String LIBTORCH_PROPERTY = "pytorch.version";
    /** How run_train.sh receives the Maven properties of its build (and of the build check every run makes). */
    public static final String MAVEN_PROPERTIES_VARIABLE = "LOSS_COMPARE_MAVEN_PROPERTIES";

    public Environment {
        commandPrefix = List.copyOf(commandPrefix);
        env = java.util.Collections.unmodifiableMap(new TreeMap<>(env));
        mavenProperties = java.util.Collections.unmodifiableMap(new TreeMap<>(mavenProperties));
    }

    /**
     * The argument list a run starts in this environment: the prefix, then the command. A prefix
     * ending in a Python interpreter (another venv's python) stands for the command's own leading
     * python or python3.
     */
    public List<String> prefixed(List<String> command) {
        List<String> out = new ArrayList<>(commandPrefix);
        boolean replaces = !commandPrefix.isEmpty() && isPython(commandPrefix.get(commandPrefix.size() - 1)) && !command.isEmpty()
                && isPython(command.get(0));
        out.addAll(replaces ? command.subList(1, command.size()) : command);
        return out;
    }

    /** python, python3, python3.11 or a path to one. */
    public static boolean isPython(String word) {
        return java.nio.file.Path.of(word).getFileName().toString().matches("python[0-9.]*");
    }

    /** The libtorch version this environment builds this repository's trainer with, or null (the pom's). */
    public String libtorch() {
        return mavenProperties.get(LIBTORCH_PROPERTY);
    }

    /** Whether the trainer's build differs from the default one (then each side gets a tree and build of its own). */
    public boolean changesBuild() {
        return !mavenProperties.isEmpty();
    }

    /** "pytorch.version=2.7.1-1.5.12 x=y": the value of {@value #MAVEN_PROPERTIES_VARIABLE}. */
    public String mavenPropertiesText() {
        List<String> parts = new ArrayList<>();
        mavenProperties.forEach((k, v) -> parts.add(k + "=" + v));
        return String.join(" ", parts);
    }

    /** Everything the table says, in a fixed order: part of every cache key of a run in it. */
    public String identity() {
        return "environment " + name + "\u0000prefix=" + String.join("\u0001", commandPrefix) + "\u0000env=" + env
                + "\u0000maven=" + mavenProperties;
    }

    /** "libtorch-2.7 (libtorch 2.7.1-1.5.12; command prefix [wrap.sh]; env OMP_NUM_THREADS=2)": how messages name it. */
    public String describe() {
        List<String> parts = new ArrayList<>();
        if (libtorch() != null) parts.add("libtorch " + libtorch());
        mavenProperties.forEach((k, v) -> {
            if (!k.equals(LIBTORCH_PROPERTY)) parts.add("-D" + k + "=" + v);
        });
        if (!commandPrefix.isEmpty()) parts.add("command prefix " + commandPrefix);
        if (!env.isEmpty()) {
            List<String> vars = new ArrayList<>();
            env.forEach((k, v) -> vars.add(k + "=" + v));
            parts.add("env " + String.join(" ", vars));
        }
        return name + (parts.isEmpty() ? "" : " (" + String.join("; ", parts) + ")");
    }
}
