package dev.losscompare.trainer.distributed;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.losscompare.trainer.config.ConfigException;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Slurm's task variables as torchrun's, and the first host of a node list. */
class SlurmTasksTest {
    private static Map<String, String> step(String... extra) {
        Map<String, String> env = new HashMap<>(Map.of("SLURM_STEP_ID", "0", "SLURM_PROCID", "3", "SLURM_LOCALID", "1",
                "SLURM_NTASKS", "4", "SLURM_JOB_NODELIST", "gpu[07-08,11]", "SLURM_JOB_ID", "123456"));
        for (int i = 0; i < extra.length; i += 2) env.put(extra[i], extra[i + 1]);
        return env;
    }

    @Test
    void anSrunTaskIsARank() {
        assertEquals(new DistEnv(3, 1, 4, "gpu07", 15000 + 123456 % 17000), DistEnv.from(step()));
    }

    @Test
    void everyTaskOfAJobGetsTheSamePortAndItStaysBelowTheEphemeralRange() {
        assertEquals(SlurmTasks.port("99"), DistEnv.from(step("SLURM_JOB_ID", "99", "SLURM_PROCID", "0")).masterPort());
        for (long job : new long[] {1, 16999, 17000, 4_000_000_123L}) {
            int port = SlurmTasks.port(Long.toString(job));
            assertTrue(port >= 15000 && port < 32000, job + " -> " + port);
        }
        assertTrue(assertThrows(ConfigException.class, () -> SlurmTasks.port("12_3")).getMessage().contains("SLURM_JOB_ID"));
    }

    @Test
    void torchrunsVariablesAndAnExportedRendezvousWin() {
        Map<String, String> inside = step("WORLD_SIZE", "2", "RANK", "1", "MASTER_ADDR", "h", "MASTER_PORT", "29500");
        assertSame(inside, SlurmTasks.asTorchrun(inside));
        DistEnv exported = DistEnv.from(step("MASTER_ADDR", "head", "MASTER_PORT", "29400"));
        assertEquals("head", exported.masterAddr());
        assertEquals(29400, exported.masterPort());
    }

    @Test
    void aBatchScriptOutsideAStepIsNotARank() {
        Map<String, String> batch = step();
        batch.remove("SLURM_STEP_ID");
        assertEquals(DistEnv.SINGLE, DistEnv.from(batch));
        assertEquals(DistEnv.SINGLE, DistEnv.from(step("SLURM_NTASKS", "1", "SLURM_PROCID", "0")));
    }

    @Test
    void hostlistsGiveTheirFirstHost() {
        assertEquals("node1", SlurmHostlist.first("node[1-3,5]"));
        assertEquals("vm", SlurmHostlist.first("vm"));
        assertEquals("a01", SlurmHostlist.first("a01,b[02-03]"));
        assertEquals("gpu007-ib", SlurmHostlist.first("gpu[007-010]-ib,login1"));
        assertEquals("rack1-n001", SlurmHostlist.first("rack[1-2]-n[001-004]"));
        for (String bad : new String[] {"node[1-3", "node]", "", "n[x-y]"}) {
            ConfigException e = assertThrows(ConfigException.class, () -> SlurmHostlist.first(bad));
            assertTrue(e.getMessage().startsWith("bad SLURM_JOB_NODELIST '" + bad + "'"), e.getMessage());
        }
    }
}
