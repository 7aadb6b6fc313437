package dev.losscompare.trainer.distributed;

import dev.losscompare.trainer.config.ConfigException;
import java.time.Duration;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.bytedeco.javacpp.SizeTPointer;
import org.bytedeco.javacpp.chrono.Milliseconds;
import org.bytedeco.pytorch.TCPStore;
import org.bytedeco.pytorch.TCPStoreOptions;

/**
 * c10d's TCPStore at MASTER_ADDR:MASTER_PORT: rank 0 serves it and waits until all WORLD_SIZE
 * ranks joined, the others connect (retrying until the timeout). libtorch's failures become one
 * line: a port in use is bad input (exit 2), a rendezvous that does not complete is a failure.
 */
final class Rendezvous {
    private static final Pattern JOINED = Pattern.compile("(\\d+)/(\\d+) clients joined");

    private Rendezvous() {}

    static TCPStore join(DistEnv env, Duration timeout) {
        TCPStoreOptions options = new TCPStoreOptions();
        options.port((short) env.masterPort()); // uint16 in C++: the cast keeps the bits of ports > 32767
        options.isServer(env.rank() == 0);
        options.numWorkers(new SizeTPointer(1).put(env.worldSize()));
        options.waitWorkers(true);
        options.timeout(new Milliseconds(timeout.toMillis()));
        try {
            return new TCPStore(env.masterAddr(), options);
        } catch (RuntimeException e) {
            throw explain(e, env, timeout);
        }
    }

    private static RuntimeException explain(RuntimeException e, DistEnv env, Duration timeout) {
        String where = env.masterAddr() + ":" + env.masterPort();
        String detail = DistributedException.firstLine(e);
        if (detail.contains("EADDRINUSE") || detail.toLowerCase().contains("address already in use")) {
            return new ConfigException("MASTER_PORT " + env.masterPort() + " is already in use on this host "
                    + "(another job?): set another MASTER_PORT, or leave it unset so the launcher picks a free one");
        }
        if (detail.toLowerCase().contains("timed out")) {
            Matcher m = JOINED.matcher(detail);
            String who = m.find() ? m.group(1) + " of " + m.group(2) + " ranks joined"
                    : "rank " + env.rank() + " could not reach rank 0";
            return new DistributedException("rendezvous at " + where + " did not complete within "
                    + timeout.toSeconds() + " s: " + who + " (start all WORLD_SIZE=" + env.worldSize()
                    + " ranks with the same MASTER_ADDR/MASTER_PORT, or raise comm.init_timeout_seconds)");
        }
        return new DistributedException("rendezvous at " + where + " failed on rank " + env.rank() + ": " + detail);
    }
}
