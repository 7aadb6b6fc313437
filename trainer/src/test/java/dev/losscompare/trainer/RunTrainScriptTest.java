package dev.losscompare.trainer;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The trainer as users and the harness run it: trainer/run_train.sh in a separate process. */
class RunTrainScriptTest {
    @TempDir Path dir;

    record Result(int exit, String stdout, List<String> stderr) {}

    static Result runTrain(Path cwd, String... args) throws IOException, InterruptedException {
        return runScript("trainer/run_train.sh", Map.of(), cwd, args);
    }

    /** A script of the project (its path from the project root) with extra environment, run to its end. */
    static Result runScript(String script, Map<String, String> env, Path cwd, String... args)
            throws IOException, InterruptedException {
        List<String> command = new ArrayList<>();
        command.add(TinyRuns.PROJECT.resolve(script).toString());
        command.addAll(Arrays.asList(args));
        // stderr into a file: read after stdout, a pipe would block a run that writes more than it holds
        Path errors = Files.createTempFile("run_train", ".stderr");
        ProcessBuilder pb = new ProcessBuilder(command).directory(cwd.toFile()).redirectError(errors.toFile());
        pb.environment().putAll(env);
        Process p = pb.start();
        p.getOutputStream().close();
        byte[] out = p.getInputStream().readAllBytes();
        assertTrue(p.waitFor(5, TimeUnit.MINUTES));
        String stderr = Files.readString(errors);
        Files.delete(errors);
        return new Result(p.exitValue(), new String(out, StandardCharsets.UTF_8),
                stderr.isEmpty() ? List.of() : stderr.lines().toList());
    }

    private Result tiny(String metrics, String... extra) throws Exception {
        List<String> args = new ArrayList<>(List.of("--config=configs/llama3_debug.toml", "--training.steps=5",
                "--training.seq_len=64", "--training.local_batch_size=2", "--metrics.path=" + dir.resolve(metrics)));
        args.addAll(Arrays.asList(extra));
        return runTrain(TinyRuns.PROJECT, args.toArray(String[]::new));
    }

    @Test
    void readmeCommandWritesFiveRowsReproduciblyAndFlexDiffers() throws Exception {
        Result first = tiny("a.jsonl");
        assertEquals(0, first.exit(), String.join("\n", first.stderr()));
        List<JsonNode> a = TinyRuns.steps(dir.resolve("a.jsonl"));
        assertEquals(5, a.size());
        assertEquals(List.of(1, 2, 3, 4, 5), a.stream().map(r -> r.get("step").asInt()).toList());
        assertTrue(first.stdout().contains("step: 5  loss: "), first.stdout());

        String meta = Files.readAllLines(dir.resolve("a.jsonl")).get(0);
        JsonNode m = TinyRuns.JSON.readTree(meta).get("meta");
        assertEquals("llama3", m.get("model").asText());
        assertEquals("cpu", m.get("device").asText());
        assertTrue(m.get("torch_version").asText().startsWith("2."));
        assertTrue(m.get("blas").asText().matches("OpenBLAS 0\\.\\d+\\.\\d+"), meta);   // what an environment change states

        assertEquals(0, tiny("b.jsonl").exit());
        List<JsonNode> b = TinyRuns.steps(dir.resolve("b.jsonl"));
        assertArrayEquals(TinyRuns.bits(a, "loss"), TinyRuns.bits(b, "loss"));
        assertArrayEquals(TinyRuns.bits(a, "grad_norm"), TinyRuns.bits(b, "grad_norm"));

        assertEquals(0, tiny("flex.jsonl", "--model.flavor=debugmodel_flex_attn").exit());
        assertFalse(Arrays.equals(TinyRuns.bits(a, "loss"), TinyRuns.bits(TinyRuns.steps(dir.resolve("flex.jsonl")), "loss")));
    }

    @Test
    void badInputExitsNonZeroWithOneLineOnStderr() throws Exception {
        Result[] bad = {
            runTrain(TinyRuns.PROJECT),
            runTrain(TinyRuns.PROJECT, "--config=configs/nope.toml"),
            tiny("x.jsonl", "--training.steps=0"),
            tiny("x.jsonl", "--model.flavor=nosuch"),
            tiny("x.jsonl", "--training.bogus=1"),
            tiny("x.jsonl", "--checkpoint.initial_load_path=" + dir.resolve("missing.safetensors")),
        };
        for (Result r : bad) {
            assertEquals(2, r.exit(), r.stderr().toString());
            assertEquals(1, r.stderr().size(), "exactly one line: " + r.stderr());
            assertTrue(r.stderr().get(0).startsWith("error: "), r.stderr().get(0));
        }
        Result nan = tiny("nan.jsonl", "--optimizer.lr=1e30", "--lr_scheduler.warmup_steps=0");
        assertEquals(3, nan.exit());
        assertEquals(1, nan.stderr().size(), nan.stderr().toString());
        assertTrue(nan.stderr().get(0).contains("not finite"), nan.stderr().get(0));
    }

    /**
     * trainer/class_data.sh: the first run writes a class-data archive of the dependency jars, a
     * later run maps its classes from it (the JVM's class-loading log says where each class came
     * from) while the build's own classes still load from its jar, and the numbers are those of a
     * run without it (a value other than on or off is one line, exit 2). A truncated archive is
     * written again, never mapped.
     */
    @Test
    void theDependenciesClassDataArchiveIsWrittenOnceAndLaterRunsLoadFromIt() throws Exception {
        Path archives = dir.resolve("class-data"), logs = Files.createDirectories(dir.resolve("logs"));
        String jvm = System.getenv().getOrDefault("LOSS_COMPARE_JVM_OPTS", "") + " -Xlog:class+load=info:file=" + logs + "/%p.log";
        Map<String, String> env = Map.of("LOSS_COMPARE_CLASS_DATA_DIR", archives.toString(), "LOSS_COMPARE_JVM_OPTS", jvm);
        List<String> args = List.of("--config=configs/llama3_debug.toml", "--training.steps=2", "--training.seq_len=32",
                "--training.local_batch_size=2");
        Result first = runScript("trainer/run_train.sh", env, TinyRuns.PROJECT, with(args, "--metrics.path=" + dir.resolve("first.jsonl")));
        assertEquals(0, first.exit(), String.join("\n", first.stderr()));
        List<Path> written = list(archives, ".jsa");
        assertEquals(1, written.size(), written.toString());

        List<Path> before = list(logs, ".log");
        Result second = runScript("trainer/run_train.sh", env, TinyRuns.PROJECT, with(args, "--metrics.path=" + dir.resolve("second.jsonl")));
        assertEquals(0, second.exit(), String.join("\n", second.stderr()));
        assertEquals(written, list(archives, ".jsa"), "the archive is written once");
        String loads = newLog(logs, before);
        long shared = loads.lines().filter(l -> l.contains("source: shared objects file (top)")).count();
        assertTrue(shared > 1000, shared + " classes from the archive\n" + loads.lines().limit(20).toList());
        assertTrue(loads.lines().anyMatch(l -> l.contains("org.bytedeco.pytorch.Tensor source: shared objects file (top)")), "libtorch's wrappers");
        assertTrue(loads.lines().anyMatch(l -> l.contains(" dev.losscompare.trainer.Main source: file:")), "the build's own classes from its jar");

        before = list(logs, ".log");
        Map<String, String> off = new java.util.HashMap<>(env);
        off.put("LOSS_COMPARE_CLASS_DATA", "off");
        Result plain = runScript("trainer/run_train.sh", off, TinyRuns.PROJECT, with(args, "--metrics.path=" + dir.resolve("plain.jsonl")));
        assertEquals(0, plain.exit(), String.join("\n", plain.stderr()));
        assertFalse(newLog(logs, before).contains("shared objects file (top)"), "off: no archive");
        off.put("LOSS_COMPARE_CLASS_DATA", "no");
        Result bad = runScript("trainer/run_train.sh", off, TinyRuns.PROJECT, with(args, "--metrics.path=" + dir.resolve("bad.jsonl")));
        assertEquals(2, bad.exit(), bad.stderr().toString());
        assertEquals(List.of("error: LOSS_COMPARE_CLASS_DATA=no is not one of on, off"), bad.stderr());
        for (String metric : List.of("loss", "grad_norm")) {
            assertArrayEquals(TinyRuns.bits(TinyRuns.steps(dir.resolve("plain.jsonl")), metric),
                    TinyRuns.bits(TinyRuns.steps(dir.resolve("second.jsonl")), metric), metric);
        }

        // The JVM maps an archive without checking its length: a truncated one would end every run with SIGBUS.
        Path archive = written.get(0);
        long size = Files.size(archive);
        byte[] head = Arrays.copyOf(Files.readAllBytes(archive), 1 << 20);
        Files.delete(archive);
        Files.write(archive, head);
        Result afterDamage = runScript("trainer/run_train.sh", env, TinyRuns.PROJECT, with(args, "--metrics.path=" + dir.resolve("third.jsonl")));
        assertEquals(0, afterDamage.exit(), String.join("\n", afterDamage.stderr()));
        assertEquals(size, Files.size(archive), "written again");
    }

    /**
     * trainer/native_libraries.sh: the first run records the library files JavaCPP loads; later runs
     * load exactly those files (the dynamic loader's own log) without JavaCPP's search (its debug log
     * says it loaded by name), and the numbers are those of the ordinary search. A record that no
     * longer fits the files is written again; a value other than on or off is one line, exit 2.
     */
    @Test
    void theNativeLibrariesAreRecordedOnceAndLaterRunsLoadTheSameFilesWithoutSearching() throws Exception {
        Path records = dir.resolve("native-libraries"), ld = Files.createDirectories(dir.resolve("ld"));
        String jvm = System.getenv().getOrDefault("LOSS_COMPARE_JVM_OPTS", "") + " -Dorg.bytedeco.javacpp.logger.debug=true";
        Map<String, String> on = Map.of("LOSS_COMPARE_NATIVE_LIBRARIES_DIR", records.toString(), "LOSS_COMPARE_JVM_OPTS", jvm,
                "LOSS_COMPARE_CLASS_DATA", "off");
        List<String> args = List.of("--config=configs/llama3_debug.toml", "--training.steps=2", "--training.seq_len=32",
                "--training.local_batch_size=2");
        Map<String, String> off = new java.util.HashMap<>(on);
        off.put("LOSS_COMPARE_NATIVE_LIBRARIES", "off");
        off.putAll(Map.of("LD_DEBUG", "files", "LD_DEBUG_OUTPUT", ld.resolve("searched").toString()));
        Result searched = runScript("trainer/run_train.sh", off, TinyRuns.PROJECT, with(args, "--metrics.path=" + dir.resolve("searched.jsonl")));
        assertEquals(0, searched.exit(), String.join("\n", searched.stderr()));
        assertFalse(Files.exists(records), "off: nothing recorded");

        Result first = runScript("trainer/run_train.sh", on, TinyRuns.PROJECT, with(args, "--metrics.path=" + dir.resolve("first.jsonl")));
        assertEquals(0, first.exit(), String.join("\n", first.stderr()));
        List<Path> written = list(records, ".libraries");
        assertEquals(1, written.size(), written.toString());
        String record = Files.readString(written.get(0));
        String jni = record.lines().map(l -> l.substring(l.indexOf(' ') + 1)).filter(f -> f.endsWith("/libjnitorch.so")).findFirst()
                .orElseThrow(() -> new AssertionError("libjnitorch.so not recorded:\n" + record));

        Map<String, String> recorded = new java.util.HashMap<>(on);
        recorded.putAll(Map.of("LD_DEBUG", "files", "LD_DEBUG_OUTPUT", ld.resolve("recorded").toString()));
        Result second = runScript("trainer/run_train.sh", recorded, TinyRuns.PROJECT, with(args, "--metrics.path=" + dir.resolve("second.jsonl")));
        assertEquals(0, second.exit(), String.join("\n", second.stderr()));
        assertEquals(written, list(records, ".libraries"), "recorded once");
        assertTrue(searched.stderr().contains("Debug: Loading " + jni), "the ordinary search finds the extracted file");
        assertTrue(second.stderr().contains("Debug: Loading library jnitorch") && !second.stderr().contains("Debug: Loading " + jni),
                "the recorded run loads it by name, from the recorded folder");
        List<String> folders = record.lines().map(l -> l.substring(l.indexOf(' ') + 1, l.lastIndexOf('/') + 1)).distinct().toList();
        assertEquals(initialized(ld, "searched", folders), initialized(ld, "recorded", folders));
        for (String metric : List.of("loss", "grad_norm")) {
            assertArrayEquals(TinyRuns.bits(TinyRuns.steps(dir.resolve("searched.jsonl")), metric),
                    TinyRuns.bits(TinyRuns.steps(dir.resolve("second.jsonl")), metric), metric);
        }

        // A record whose files changed (a cleaned or re-extracted JavaCPP cache) is not used, and is written again.
        Files.writeString(written.get(0), record.replaceFirst("^\\d+ ", "1 "));
        Result afterChange = runScript("trainer/run_train.sh", on, TinyRuns.PROJECT, with(args, "--metrics.path=" + dir.resolve("third.jsonl")));
        assertEquals(0, afterChange.exit(), String.join("\n", afterChange.stderr()));
        assertEquals(record, Files.readString(written.get(0)), "written again");

        Map<String, String> bad = new java.util.HashMap<>(on);
        bad.put("LOSS_COMPARE_NATIVE_LIBRARIES", "no");
        Result badValue = runScript("trainer/run_train.sh", bad, TinyRuns.PROJECT, with(args, "--metrics.path=" + dir.resolve("bad.jsonl")));
        assertEquals(2, badValue.exit(), badValue.stderr().toString());
        assertEquals(List.of("error: LOSS_COMPARE_NATIVE_LIBRARIES=no is not one of on, off"), badValue.stderr());
    }

    /** The libraries in {@code folders} whose initializers the dynamic loader ran in the one process (of a run) that loaded libtorch. */
    private static java.util.SortedSet<String> initialized(Path ld, String prefix, List<String> folders) throws IOException {
        List<String> trainer = new ArrayList<>();
        for (Path log : list(ld, "")) {
            if (!log.getFileName().toString().startsWith(prefix + ".")) continue;
            String text = Files.readString(log);
            if (text.contains("calling init: ") && text.contains("/libtorch_cpu.so")) trainer.add(text);
        }
        assertEquals(1, trainer.size(), "one process of the run loads libtorch");
        java.util.SortedSet<String> files = new java.util.TreeSet<>();
        for (String line : trainer.get(0).split("\n")) {
            int at = line.indexOf("calling init: ");
            if (at < 0) continue;
            String file = line.substring(at + "calling init: ".length()).trim();
            if (folders.stream().anyMatch(file::startsWith)) files.add(file);
        }
        assertTrue(files.stream().anyMatch(f -> f.endsWith("/libtorch_cpu.so")), files.toString());
        return files;
    }

    private static String[] with(List<String> args, String more) {
        List<String> all = new ArrayList<>(args);
        all.add(more);
        return all.toArray(String[]::new);
    }

    private static List<Path> list(Path folder, String suffix) throws IOException {
        try (var files = Files.list(folder)) {
            return files.filter(f -> f.toString().endsWith(suffix)).sorted().toList();
        }
    }

    /** The one class-loading log written since {@code before} was listed. */
    private static String newLog(Path logs, List<Path> before) throws IOException {
        List<Path> added = list(logs, ".log").stream().filter(f -> !before.contains(f)).toList();
        assertEquals(1, added.size(), added.toString());
        return Files.readString(added.get(0));
    }

    @Test
    void buildOnlyBuildsAndExitsZero() throws Exception {
        Result r = runTrain(dir, "--build-only");
        assertEquals(0, r.exit(), r.stderr().toString());
        assertTrue(Files.isRegularFile(TinyRuns.PROJECT.resolve("trainer/target/trainer.jar")));
        assertTrue(Files.isRegularFile(TinyRuns.PROJECT.resolve("trainer/target/build.stamp")));
    }
}
