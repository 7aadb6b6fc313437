package dev.losscompare.trainer.distributed;

import dev.losscompare.trainer.config.ConfigException;
import dev.losscompare.trainer.config.JobConfig;
import java.util.List;
import org.bytedeco.pytorch.Device;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.TensorVector;

/**
 * One rank only, on libtorch 2.7 (the trainer's "libtorch-2.7" Maven profile): bytedeco 1.5.12's
 * bindings have no c10d TCPStore, so ranks cannot meet; more than one rank is one line. One rank
 * computes exactly what src/main's DataParallel.single() computes: every method returns its input.
 */
public final class DataParallel {
    private final FaultInjection fault = FaultInjection.fromEnvironment();

    private DataParallel() {}

    public static DataParallel single() {
        return new DataParallel();
    }

    public static DataParallel join(JobConfig config, Device device) {
        DistEnv env = DistEnv.fromEnvironment();
        int degree = config.parallelism().dataParallelReplicateDegree();
        if (degree != -1 && degree != env.worldSize()) {
            throw new ConfigException("parallelism.data_parallel_replicate_degree=" + degree + " but WORLD_SIZE="
                    + env.worldSize() + ": with data parallelism only, it must equal the world size (or be -1)");
        }
        if (env.distributed()) {
            throw new ConfigException("WORLD_SIZE=" + env.worldSize() + " needs a c10d TCPStore, which this trainer's"
                    + " libtorch 2.7 build lacks (bytedeco 1.5.12): train one rank, or use libtorch 2.10");
        }
        return single();
    }

    public static Device device(Device selected) {
        return selected;
    }

    public int rank() {
        return 0;
    }

    public int degree() {
        return 1;
    }

    public boolean writesOutputs() {
        return true;
    }

    public void beginStep(int step) {
        fault.check(0, step);
    }

    public void broadcastFromRankZero(TensorVector params) {}

    public void averageGradients(TensorVector params) {}

    public Tensor meanOverRanks(Tensor scalar) {
        return scalar;
    }

    public void sumOverRanks(List<Tensor> counters) {}
}
