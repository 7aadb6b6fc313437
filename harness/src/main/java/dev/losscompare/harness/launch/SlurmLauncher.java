package dev.losscompare.harness.launch;

import dev.losscompare.core.io.AtomicFiles;
import dev.losscompare.harness.adapter.Launch;
import dev.losscompare.harness.run.ActiveProcesses;
import dev.losscompare.harness.run.RunOutcome;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Every run as a Slurm job: {@code sbatch --parsable} of one fixed job script
 * ({@code slurm-job.sh}) that reads the run's argument list and environment from NUL-separated
 * files in a job folder under the shared dir and starts the ranks with {@code srun}. The log is
 * the job's output file. Ctrl-C cancels every job still running ({@code scancel}) and says so,
 * until the launcher is closed: a call closes the launcher it made when it ends; a caller that
 * made one for {@code LossCompare.setLauncher} closes it when it has no more calls to make.
 */
public final class SlurmLauncher implements RunLauncher {
    private static final String SCRIPT = "slurm-job.sh";
    private static final AtomicInteger SEQUENCE = new AtomicInteger();

    private final SlurmSettings settings;
    private final PrintStream progress;
    private final SlurmQueue queue = new SlurmQueue();
    private final Set<String> running = ConcurrentHashMap.newKeySet();
    private final Path jobs;
    private final Path script;
    private final Runnable cancelOnCtrlC = this::cancelAll;

    public SlurmLauncher(SlurmSettings settings, PrintStream progress) throws IOException {
        this.settings = settings;
        this.progress = progress;
        this.jobs = Files.createDirectories(settings.sharedDir().resolve("jobs"));
        this.script = jobs.resolve(SCRIPT);
        try (InputStream in = SlurmLauncher.class.getResourceAsStream(SCRIPT)) {
            byte[] text = in.readAllBytes();
            if (!Files.exists(script) || !java.util.Arrays.equals(Files.readAllBytes(script), text)) {
                AtomicFiles.write(script, text);
            }
        }
        ActiveProcesses.alsoStop(cancelOnCtrlC);
    }

    /** Ctrl-C no longer cancels this launcher's jobs (its call has ended; its jobs have too). */
    @Override
    public void close() {
        ActiveProcesses.noLongerStop(cancelOnCtrlC);
    }

    @Override
    public RunHandle start(Launch launch, Path log, Duration timeout) throws IOException {
        String label = label(log);
        if (ActiveProcesses.shuttingDown()) return finished(new RunOutcome(-1, false, true, 0, "interrupted"));
        Files.createDirectories(log.toAbsolutePath().getParent());
        Files.deleteIfExists(log);
        Path dir = Files.createDirectories(jobs.resolve(ProcessHandle.current().pid() + "-" + SEQUENCE.incrementAndGet()));
        int tasks = launch.tasks();
        Map<String, String> env = new java.util.LinkedHashMap<>(launch.environment());
        // The ranks are Slurm's tasks: the trainer must not start its own launcher inside each of them.
        if (tasks > 1) env.put("NGPU", null);
        writeNulSeparated(dir.resolve("argv"), launch.command());
        writeNulSeparated(dir.resolve("env"), env.entrySet().stream().filter(e -> e.getValue() != null)
                .map(e -> e.getKey() + "=" + e.getValue()).toList());
        writeNulSeparated(dir.resolve("unset"), env.entrySet().stream().filter(e -> e.getValue() == null).map(Map.Entry::getKey).toList());
        List<String> sbatch = new ArrayList<>(List.of("sbatch", "--parsable", "--job-name=loss_compare:" + label,
                "--output=" + log.toAbsolutePath(), "--chdir=" + launch.workDir().toAbsolutePath()));
        sbatch.addAll(settings.sbatchOptions(tasks, timeout));
        sbatch.add(script.toString());
        sbatch.add(dir.toString());
        SlurmCommand submitted = SlurmCommand.run(sbatch.toArray(String[]::new));
        if (!submitted.ok()) {
            String why = "sbatch refused the job (" + label + "): " + submitted.firstLine();
            Files.writeString(log, why + "\n");
            return finished(RunOutcome.notStarted(why));
        }
        String id = submitted.out().lines().reduce((a, b) -> b).orElse("").split(";")[0].trim();
        running.add(id);
        queue.watch(id);
        progress.println("slurm job " + id + " (" + label + "): submitted, " + tasks + (tasks == 1 ? " task" : " tasks"));
        if (ActiveProcesses.shuttingDown()) cancelAll(); // Ctrl-C came while sbatch ran
        return new SlurmJob(id, label, log, timeout, queue, progress, () -> running.remove(id));
    }

    @Override
    public boolean startsAllAtOnce() {
        return true;
    }

    @Override
    public boolean runsBuilds() {
        return settings.builds();
    }

    /** The shared dir's {@code cache/}: the nodes read the materialized revisions and builds there. */
    @Override
    public Path sharedCache() {
        return settings.sharedDir().resolve("cache");
    }

    /** Ctrl-C: scancel every job this harness submitted that has not ended, and say which. */
    private void cancelAll() {
        Set<String> ids = new TreeSet<>(running);
        if (ids.isEmpty()) return;
        List<String> cancel = new ArrayList<>(List.of("scancel"));
        cancel.addAll(ids);
        SlurmCommand c = SlurmCommand.run(cancel.toArray(String[]::new));
        progress.println("cancelled Slurm job" + (ids.size() == 1 ? " " : "s ") + String.join(", ", ids) + " (scancel"
                + (c.ok() ? ")" : ": " + c.firstLine() + ")"));
    }

    /**
     * "llama3/baseline_training", "llama3/diagnose/test_trace": the case folder (and the diagnosis
     * folder inside it) with the log's name: what the job is, in squeue and in progress lines.
     */
    static String label(Path log) {
        String name = log.getFileName().toString().replaceFirst("\\.log$", "");
        Path parent = log.toAbsolutePath().getParent();
        if (parent == null || parent.getFileName() == null) return name;
        String folder = parent.getFileName().toString();
        Path caseDir = parent.getParent();
        if (folder.equals("diagnose") && caseDir != null && caseDir.getFileName() != null) folder = caseDir.getFileName() + "/" + folder;
        return folder + "/" + name;
    }

    private static void writeNulSeparated(Path file, List<String> items) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (String s : items) {
            if (s.indexOf('\0') >= 0) throw new IllegalArgumentException("a NUL byte in an argument or variable: " + s);
            out.write(s.getBytes(StandardCharsets.UTF_8));
            out.write(0);
        }
        AtomicFiles.write(file, out.toByteArray());
    }

    private static RunHandle finished(RunOutcome outcome) {
        return new RunHandle() {
            @Override
            public RunOutcome await() {
                return outcome;
            }

            @Override
            public void kill() {}
        };
    }
}
