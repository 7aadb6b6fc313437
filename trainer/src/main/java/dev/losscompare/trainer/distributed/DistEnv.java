package dev.losscompare.trainer.distributed;

import dev.losscompare.trainer.config.ConfigException;
import java.util.Map;

/**
 * Who this process is among the ranks, from the environment torchrun sets (RANK, LOCAL_RANK,
 * WORLD_SIZE, MASTER_ADDR, MASTER_PORT). The trainer's own launcher sets the same variables, so
 * ranks started by torchrun, srun or by hand behave alike. No WORLD_SIZE (or 1) is one rank.
 */
public record DistEnv(int rank, int localRank, int worldSize, String masterAddr, int masterPort) {
    public static final DistEnv SINGLE = new DistEnv(0, 0, 1, "", 0);

    public static DistEnv fromEnvironment() {
        return from(System.getenv());
    }

    static DistEnv from(Map<String, String> env) {
        String world = env.get("WORLD_SIZE");
        if (world == null || world.isBlank()) return SINGLE;
        int worldSize = integer(env, "WORLD_SIZE", 1, Integer.MAX_VALUE);
        if (worldSize == 1) return SINGLE;
        int rank = integer(env, "RANK", 0, worldSize - 1);
        // Single-node default; multi-node launchers (torchrun, the Slurm script) set it.
        int localRank = env.containsKey("LOCAL_RANK") ? integer(env, "LOCAL_RANK", 0, Integer.MAX_VALUE) : rank;
        String addr = env.get("MASTER_ADDR");
        if (addr == null || addr.isBlank()) {
            throw new ConfigException("WORLD_SIZE=" + worldSize + " but MASTER_ADDR is not set "
                    + "(set MASTER_ADDR and MASTER_PORT to rank 0's host and a free port, as torchrun does)");
        }
        int port = integer(env, "MASTER_PORT", 1, 65535);
        return new DistEnv(rank, localRank, worldSize, addr, port);
    }

    public boolean distributed() {
        return worldSize > 1;
    }

    private static int integer(Map<String, String> env, String name, int min, int max) {
        String raw = env.get(name);
        if (raw == null || raw.isBlank()) {
            throw new ConfigException(name + " is not set (WORLD_SIZE=" + env.get("WORLD_SIZE")
                    + " needs RANK, MASTER_ADDR and MASTER_PORT, as torchrun sets them)");
        }
        try {
            int v = Integer.parseInt(raw.trim());
            if (v >= min && v <= max) return v;
        } catch (NumberFormatException ignored) {
            // reported below
        }
        throw new ConfigException("bad " + name + " '" + raw + "': expected an integer in [" + min + ", "
                + (max == Integer.MAX_VALUE ? "..." : max) + "]");
    }
}
