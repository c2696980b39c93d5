package dev.panamax.image;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.locks.ReentrantLock;
import java.util.concurrent.locks.ReentrantReadWriteLock;

/**
 * A lock file shared by threads and JVMs: a read-write lock inside this JVM in front of one {@link FileChannel}
 * lock per file (the JDK refuses two overlapping locks of one JVM on a file, and closing any channel of a file
 * drops all its locks, so a JVM holds one channel per lock file, open while the lock is held). Shared holders
 * count; the first takes the file's shared lock, the last drops it. Lock files are never deleted: a JVM waiting
 * on a deleted file's channel would lock another inode than the next one.
 */
final class StoreLock {
    private static final ConcurrentHashMap<Path, StoreLock> LOCKS = new ConcurrentHashMap<>();

    private final Path file;
    private final ReentrantReadWriteLock threads = new ReentrantReadWriteLock();
    private final ReentrantLock fileAccess = new ReentrantLock();
    private FileChannel channel;
    private FileLock held;
    private int sharers;

    private StoreLock(Path file) {
        this.file = file;
    }

    /** The lock of this file in this JVM (one per absolute normalized path). */
    static StoreLock of(Path file) {
        return LOCKS.computeIfAbsent(file.toAbsolutePath().normalize(), StoreLock::new);
    }

    /** A held lock; closing releases it. */
    interface Held extends AutoCloseable {
        @Override
        void close() throws IOException;
    }

    /** Takes the lock shared (imports, reads): waits for exclusive holders in any JVM. */
    Held shared() throws IOException {
        return acquire(threads.readLock(), true);
    }

    /** Takes the lock exclusive (remove, prune, a layer's unpacking): waits for every other holder. */
    Held exclusive() throws IOException {
        return acquire(threads.writeLock(), false);
    }

    /**
     * Takes the JVM's lock, then the file lock unless other shared holders of this JVM hold it already. A shared
     * taker does not queue behind a waiting exclusive one while the lock is shared ({@code tryLock} barges): a
     * pull holds the lock shared while its download threads take it shared again, and a prune waiting in between
     * must not make them wait for the pull that waits for them. An exclusive taker can wait longer; prune and
     * remove are rare.
     */
    private Held acquire(java.util.concurrent.locks.Lock inJvm, boolean shared) throws IOException {
        if (!shared || !inJvm.tryLock()) {
            inJvm.lock();
        }
        fileAccess.lock();
        try {
            if (sharers == 0) {
                held = lockFile(shared);
            }
            if (shared) {
                sharers++;
            }
        } catch (IOException | RuntimeException e) {
            inJvm.unlock();
            throw e;
        } finally {
            fileAccess.unlock();
        }
        return () -> {
            fileAccess.lock();
            try {
                if (!shared || --sharers == 0) {
                    release();
                }
            } finally {
                fileAccess.unlock();
                inJvm.unlock();
            }
        };
    }

    /**
     * The file lock, waiting. POSIX record locks belong to the process, so the kernel answers EDEADLK ("Resource
     * deadlock avoided") when two JVMs each wait for a lock the other holds in another thread, although no
     * thread waits for itself (a thread holds the store lock and at most one digest lock, taken in that order):
     * such a refusal is tried again after a short pause.
     */
    private FileLock lockFile(boolean shared) throws IOException {
        for (int attempt = 0; ; attempt++) {
            try {
                return channel().lock(0, Long.MAX_VALUE, shared);
            } catch (IOException e) {
                if (!"Resource deadlock avoided".equals(e.getMessage()) || attempt >= 10_000) {
                    throw e;
                }
            }
            try {
                Thread.sleep(1 + java.util.concurrent.ThreadLocalRandom.current().nextInt(10));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new java.io.InterruptedIOException("waiting for " + file);
            }
        }
    }

    /** Drops the file lock and closes the channel (no descriptor kept per layer ever unpacked). */
    private void release() throws IOException {
        try {
            held.release();
        } finally {
            held = null;
            channel.close();
        }
    }

    private FileChannel channel() throws IOException {
        if (channel == null || !channel.isOpen()) {
            channel = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.READ,
                    StandardOpenOption.WRITE); // a shared lock needs a readable channel
        }
        return channel;
    }
}
