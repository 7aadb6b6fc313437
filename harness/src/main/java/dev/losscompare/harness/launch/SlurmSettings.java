package dev.losscompare.harness.launch;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

/**
 * How runs become Slurm jobs: a suite's {@code [launcher]} table and the command line's
 * {@code --shared-dir}. Null fields are left to the cluster's defaults.
 *
 * @param sharedDir a folder every node sees: job files, and (unless LOSS_COMPARE_CACHE says
 *                  otherwise) the cache with the materialized revisions and their builds
 * @param timeLimit the job's limit when no --timeout is given (the shorter one wins)
 * @param nodes     nodes of a multi-rank run (a run never gets more nodes than ranks)
 * @param builds    true: builds are jobs too; false: they run on this machine, into the shared cache
 */
public record SlurmSettings(Path sharedDir, String partition, String account, Duration timeLimit, Integer nodes,
                            Integer tasksPerNode, Integer gpusPerNode, List<String> sbatchArgs, boolean builds) {
    public SlurmSettings {
        sbatchArgs = List.copyOf(sbatchArgs);
    }

    /** The same settings with another shared dir (--shared-dir over a table's shared_dir). */
    public SlurmSettings withSharedDir(Path dir) {
        return new SlurmSettings(dir, partition, account, timeLimit, nodes, tasksPerNode, gpusPerNode, sbatchArgs, builds);
    }

    /** The {@code sbatch} options of a run of {@code tasks} ranks with a run time limit ({@code timeout}, null: none). */
    List<String> sbatchOptions(int tasks, Duration timeout) {
        List<String> o = new java.util.ArrayList<>();
        o.add("--ntasks=" + tasks);
        if (nodes != null) o.add("--nodes=" + Math.min(nodes, tasks));
        if (tasksPerNode != null && tasks > 1) o.add("--ntasks-per-node=" + Math.min(tasksPerNode, tasks));
        if (gpusPerNode != null) o.add("--gpus-per-node=" + gpusPerNode);
        if (partition != null) o.add("--partition=" + partition);
        if (account != null) o.add("--account=" + account);
        Duration limit = timeout == null ? timeLimit : timeLimit == null ? timeout : timeout.compareTo(timeLimit) < 0 ? timeout : timeLimit;
        if (limit != null) o.add("--time=" + minutes(limit));
        o.addAll(sbatchArgs);
        return o;
    }

    /** Slurm counts whole minutes: round up, at least one. */
    static long minutes(Duration d) {
        return Math.max(1, (d.toSeconds() + 59) / 60);
    }
}
