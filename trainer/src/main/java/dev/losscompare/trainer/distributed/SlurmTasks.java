package dev.losscompare.trainer.distributed;

import dev.losscompare.trainer.config.ConfigException;
import java.util.HashMap;
import java.util.Map;

/**
 * Ranks started by {@code srun}: Slurm's task variables read as torchrun's, so a job step needs
 * no launcher of ours. Only inside a step (SLURM_STEP_ID set): a batch script's own process also
 * has SLURM_PROCID=0 and the job's SLURM_NTASKS, but it is not a rank. Torchrun's variables, when
 * set (our launcher or torchrun inside an allocation), win; so do an exported MASTER_ADDR/PORT.
 */
public final class SlurmTasks {
    /** Rendezvous ports derived from the job id lie in [BASE_PORT, BASE_PORT + PORT_SPAN): below Linux's ephemeral range. */
    static final int BASE_PORT = 15000;
    static final int PORT_SPAN = 17000;

    private SlurmTasks() {}

    /** {@code env} with RANK, LOCAL_RANK, WORLD_SIZE, MASTER_ADDR, MASTER_PORT filled from Slurm's step, else as given. */
    public static Map<String, String> asTorchrun(Map<String, String> env) {
        if (present(env, "WORLD_SIZE") || !present(env, "SLURM_STEP_ID") || !present(env, "SLURM_NTASKS")) return env;
        Map<String, String> out = new HashMap<>(env);
        out.put("WORLD_SIZE", env.get("SLURM_NTASKS"));
        out.put("RANK", required(env, "SLURM_PROCID"));
        if (present(env, "SLURM_LOCALID")) out.put("LOCAL_RANK", env.get("SLURM_LOCALID"));
        if (!present(env, "MASTER_ADDR")) out.put("MASTER_ADDR", SlurmHostlist.first(required(env, "SLURM_JOB_NODELIST")));
        if (!present(env, "MASTER_PORT")) out.put("MASTER_PORT", Integer.toString(port(required(env, "SLURM_JOB_ID"))));
        return out;
    }

    /** The rendezvous port of a job: every task of the job computes the same one. */
    static int port(String jobId) {
        try {
            return BASE_PORT + (int) (Long.parseLong(jobId.trim()) % PORT_SPAN);
        } catch (NumberFormatException e) {
            throw new ConfigException("bad SLURM_JOB_ID '" + jobId + "': expected a job number (or set MASTER_PORT)");
        }
    }

    private static boolean present(Map<String, String> env, String name) {
        String v = env.get(name);
        return v != null && !v.isBlank();
    }

    private static String required(Map<String, String> env, String name) {
        if (!present(env, name)) {
            throw new ConfigException(name + " is not set inside a Slurm job step (SLURM_STEP_ID=" + env.get("SLURM_STEP_ID")
                    + "): start the ranks with srun, or set torchrun's RANK, WORLD_SIZE, MASTER_ADDR and MASTER_PORT");
        }
        return env.get(name);
    }
}
