package dev.losscompare.trainer.distributed;

import dev.losscompare.trainer.config.ConfigException;
import dev.losscompare.trainer.config.JobConfig;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.bytedeco.javacpp.PointerScope;
import org.bytedeco.javacpp.chrono.Milliseconds;
import org.bytedeco.pytorch.AllreduceOptions;
import org.bytedeco.pytorch.Backend;
import org.bytedeco.pytorch.BroadcastOptions;
import org.bytedeco.pytorch.Device;
import org.bytedeco.pytorch.GlooDeviceVector;
import org.bytedeco.pytorch.NoGradGuard;
import org.bytedeco.pytorch.ProcessGroupGloo;
import org.bytedeco.pytorch.ReduceOp;
import org.bytedeco.pytorch.Scalar;
import org.bytedeco.pytorch.TCPStore;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.TensorVector;
import org.bytedeco.pytorch.global.torch;
import org.bytedeco.pytorch.nccl.ProcessGroupNCCL;

/**
 * Data parallelism across WORLD_SIZE processes (DDP's arithmetic, without DDP's bucketing
 * overlap): every rank holds the whole model, trains on its slice of the global batch, and the
 * gradients are averaged before the grad norm and clipping, so every rank takes the same step.
 *
 * <p>Averages are a SUM all-reduce followed by a local division by the world size, not
 * ReduceOp.AVG: the division is then one visible IEEE operation, the same on every rank and
 * backend, rather than whatever a backend's AVG does inside. For two ranks the sum a+b is
 * order-independent, so both ranks hold the same bits; gloo's ring fixes the summation order by
 * rank for larger worlds, so the same N gives the same bits run after run.
 *
 * <p>With one rank ({@link #single()}) every method returns its input and no collective runs,
 * so a one-rank run computes exactly what it did before this class existed.
 */
public final class DataParallel {
    private final DistEnv env;
    private final TCPStore store; // the process group keeps using it
    private final Backend group;
    private final Duration initTimeout;
    private final Duration trainTimeout;
    private final FaultInjection fault;
    private int step = 0;

    private DataParallel(DistEnv env, TCPStore store, Backend group, Duration initTimeout, Duration trainTimeout,
                         FaultInjection fault) {
        this.env = env;
        this.store = store;
        this.group = group;
        this.initTimeout = initTimeout;
        this.trainTimeout = trainTimeout;
        this.fault = fault;
    }

    public static DataParallel single() {
        return new DataParallel(DistEnv.SINGLE, null, null, Duration.ZERO, Duration.ZERO, FaultInjection.fromEnvironment());
    }

    /**
     * Joins the ranks described by the environment (one rank: no rendezvous at all). The degree
     * must match the world size: this trainer has no other parallelism to absorb leftover ranks.
     */
    public static DataParallel join(JobConfig config, Device device) {
        DistEnv env = DistEnv.fromEnvironment();
        int degree = config.parallelism().dataParallelReplicateDegree();
        int resolved = degree == -1 ? env.worldSize() : degree;
        // torchtitan/distributed/parallel_dims.py:52-55 at 6a3a9da9: the degrees must multiply to WORLD_SIZE.
        if (resolved != env.worldSize()) {
            throw new ConfigException("parallelism.data_parallel_replicate_degree=" + degree + " but WORLD_SIZE="
                    + env.worldSize() + ": with data parallelism only, it must equal the world size (or be -1)");
        }
        if (!env.distributed()) return single();
        // torchtitan/train.py:673-675 at 6a3a9da9: a seed checkpoint is written by a single process.
        if (config.checkpoint().createSeedCheckpoint()) {
            throw new ConfigException("checkpoint.create_seed_checkpoint needs a single rank (NGPU=1), as in torchtitan");
        }
        LauncherWatch.startIfLaunched();
        Duration init = Duration.ofSeconds(config.comm().initTimeoutSeconds());
        TCPStore store = Rendezvous.join(env, init);
        Backend group;
        try {
            group = device.is_cuda() ? nccl(store, env, init) : gloo(store, env, init);
        } catch (RuntimeException e) {
            throw new DistributedException("creating the " + (device.is_cuda() ? "NCCL" : "gloo") + " process group on rank "
                    + env.rank() + " failed: " + DistributedException.firstLine(e));
        }
        return new DataParallel(env, store, group, init, Duration.ofSeconds(config.comm().trainTimeoutSeconds()),
                FaultInjection.fromEnvironment());
    }

    private static Backend gloo(TCPStore store, DistEnv env, Duration timeout) {
        ProcessGroupGloo.Options options = ProcessGroupGloo.Options.create(new Milliseconds(timeout.toMillis()));
        // As torch.distributed: GLOO_SOCKET_IFNAME picks the interface, else the host name's address.
        String ifname = System.getenv("GLOO_SOCKET_IFNAME");
        options.devices(new GlooDeviceVector(ifname == null || ifname.isBlank()
                ? ProcessGroupGloo.createDefaultDevice() : ProcessGroupGloo.createDeviceForInterface(ifname.trim())));
        return new ProcessGroupGloo(store, env.rank(), env.worldSize(), options);
    }

    /** Untested here (no GPU): NCCL with the same store; tensors live on cuda:LOCAL_RANK (see {@link #device}). */
    private static Backend nccl(TCPStore store, DistEnv env, Duration timeout) {
        ProcessGroupNCCL.Options options = ProcessGroupNCCL.Options.create();
        options.timeout(new Milliseconds(timeout.toMillis()));
        return new ProcessGroupNCCL(store, env.rank(), env.worldSize(), options);
    }

    /** The device this rank computes on: on CUDA one GPU per rank on its node, cuda:LOCAL_RANK. */
    public static Device device(Device selected) {
        DistEnv env = DistEnv.fromEnvironment();
        if (!selected.is_cuda() || !env.distributed()) return selected;
        return new Device(torch.DeviceType.CUDA, (byte) env.localRank());
    }

    public int rank() {
        return env.rank();
    }

    public int degree() {
        return env.worldSize();
    }

    /** Rank 0 writes the metrics file and other run outputs. */
    public boolean writesOutputs() {
        return env.rank() == 0;
    }

    /** Called at the start of each step: fault injection, and torchtitan's timeout switch after step 1. */
    public void beginStep(int step) {
        this.step = step;
        fault.check(env.rank(), step);
    }

    /** Copies rank 0's parameters to every rank (DDP does this when it wraps a model). */
    public void broadcastFromRankZero(TensorVector params) {
        if (group == null) return;
        try (PointerScope ignored = new PointerScope(); NoGradGuard noGrad = new NoGradGuard()) {
            List<Tensor> tensors = list(params);
            Tensor flat = flatten(tensors);
            BroadcastOptions options = new BroadcastOptions();
            options.rootRank(0);
            options.timeout(timeout());
            await(group.broadcast(new TensorVector(flat), options), "broadcast of the initial weights");
            unflatten(flat, tensors);
        }
    }

    /** Each parameter's gradient becomes the mean over ranks of that gradient. Call inside the step's scope. */
    public void averageGradients(TensorVector params) {
        if (group == null) return;
        try (NoGradGuard ignored = new NoGradGuard()) {
            List<Tensor> grads = new ArrayList<>();
            for (Tensor p : list(params)) {
                Tensor g = p.grad();
                if (!g.defined()) {
                    // Every rank must send the same layout; an unused parameter would shift all others.
                    throw new IllegalStateException("a parameter of shape " + java.util.Arrays.toString(p.sizes().vec().get())
                            + " has no gradient; data parallelism needs every parameter to take part in the loss");
                }
                grads.add(g);
            }
            Tensor flat = flatten(grads);
            sum(flat, "gradient all-reduce");
            flat.div_(new Scalar((double) env.worldSize()));
            unflatten(flat, grads);
        }
    }

    /**
     * The mean over ranks of a scalar tensor (each rank's mean loss over equal local batches):
     * torchtitan logs dist_mean of the loss (torchtitan/train.py:533-534 at 6a3a9da9).
     */
    public Tensor meanOverRanks(Tensor scalar) {
        if (group == null) return scalar;
        Tensor copy = scalar.detach().clone();
        sum(copy, "loss all-reduce");
        return copy.div_(new Scalar((double) env.worldSize()));
    }

    /** Sums counters over ranks in place, e.g. MoE tokens per expert (torchtitan/components/optimizer.py:382-387). */
    public void sumOverRanks(List<Tensor> counters) {
        if (group == null || counters.isEmpty()) return;
        try (NoGradGuard ignored = new NoGradGuard()) {
            Tensor flat = flatten(counters);
            sum(flat, "load-balance counts all-reduce");
            unflatten(flat, counters);
        }
    }

    private void sum(Tensor t, String what) {
        AllreduceOptions options = new AllreduceOptions();
        options.reduceOp(new ReduceOp(ReduceOp.RedOpType.SUM));
        options.timeout(timeout());
        await(group.allreduce(new TensorVector(t), options), what);
    }

    /** Init timeout through step 1, then the train timeout (torchtitan/train.py:630-633 at 6a3a9da9). */
    private Milliseconds timeout() {
        return new Milliseconds((step <= 1 ? initTimeout : trainTimeout).toMillis());
    }

    private void await(org.bytedeco.pytorch.Work work, String what) {
        try {
            work._wait();
        } catch (RuntimeException e) {
            throw new DistributedException(what + " failed on rank " + env.rank() + (step > 0 ? " at step " + step : "")
                    + " (did another rank fail? see its error): " + DistributedException.firstLine(e));
        }
    }

    private static List<Tensor> list(TensorVector v) {
        List<Tensor> out = new ArrayList<>();
        for (long i = 0; i < v.size(); i++) out.add(v.get(i));
        return out;
    }

    private static Tensor flatten(List<Tensor> tensors) {
        TensorVector pieces = new TensorVector();
        for (Tensor t : tensors) pieces.push_back(t.reshape(-1));
        return torch.cat(pieces);
    }

    private static void unflatten(Tensor flat, List<Tensor> into) {
        long offset = 0;
        for (Tensor t : into) {
            long n = t.numel();
            t.copy_(flat.narrow(0, offset, n).view_as(t));
            offset += n;
        }
    }
}
