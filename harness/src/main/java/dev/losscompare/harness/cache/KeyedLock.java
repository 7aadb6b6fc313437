package dev.losscompare.harness.cache;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Consumer;

/**
 * An exclusive lock per cache key that holds across processes (an OS file lock) and across
 * threads of this JVM (file locks are per process, so a JVM-wide lock guards them first). The
 * holder records who it is next to the lock file ({@link LockHolder}); a process that must wait
 * for another one says whom it waits for.
 */
public final class KeyedLock implements AutoCloseable {
    private static final ConcurrentHashMap<Path, ReentrantLock> IN_PROCESS = new ConcurrentHashMap<>();
    private final Path file;
    private final ReentrantLock threadLock;
    private final FileChannel channel;
    private final FileLock fileLock;

    private KeyedLock(Path file, ReentrantLock threadLock, FileChannel channel, FileLock fileLock) {
        this.file = file;
        this.threadLock = threadLock;
        this.channel = channel;
        this.fileLock = fileLock;
    }

    /** Blocks until this process holds the lock for {@code lockFile}. */
    public static KeyedLock acquire(Path lockFile) throws IOException {
        return acquire(lockFile, "cache lock", null);
    }

    /**
     * Blocks until this process holds the lock; when another process holds it, first tells
     * {@code waiting} "waiting for the {@code what} held by pid N (command, since HH:MM:SS)".
     */
    public static KeyedLock acquire(Path lockFile, String what, Consumer<String> waiting) throws IOException {
        Path key = lockFile.toAbsolutePath().normalize();
        ReentrantLock threadLock = IN_PROCESS.computeIfAbsent(key, k -> new ReentrantLock());
        threadLock.lock();
        try {
            Files.createDirectories(key.getParent());
            FileChannel channel = FileChannel.open(key, StandardOpenOption.CREATE, StandardOpenOption.WRITE);
            try {
                FileLock lock = channel.tryLock();
                if (lock == null) {
                    if (waiting != null) waiting.accept("waiting for the " + what + " held by " + LockHolder.describe(key));
                    lock = channel.lock();
                }
                LockHolder.write(key);
                return new KeyedLock(key, threadLock, channel, lock);
            } catch (IOException | RuntimeException e) {
                channel.close();
                throw e;
            }
        } catch (IOException | RuntimeException e) {
            threadLock.unlock();
            throw e;
        }
    }

    /** How holder files describe this process (default: the harness's arguments, else the command line). */
    public static void describeThisProcess(String what) {
        LockHolder.describeThisProcess(what);
    }

    @Override
    public void close() throws IOException {
        try {
            LockHolder.clear(file);
            fileLock.release();
            channel.close();
        } finally {
            threadLock.unlock();
        }
    }
}
