package dev.panamax.sys;

import dev.panamax.sys.internal.Abi;
import dev.panamax.sys.internal.Libc;

import java.nio.file.Path;
import java.util.Optional;

/**
 * A {@code flock(2)} lock on a file, held through one descriptor of its own ({@code O_RDONLY|O_CLOEXEC}) until
 * {@link #close()}. The lock belongs to that open file description, not to a thread or to the process: two
 * {@code Flock}s of one file conflict also within one JVM, closing another descriptor of the file keeps it (unlike
 * {@code FileChannel.lock}'s POSIX record locks), and it is gone when the process dies. An image store's layer pins
 * use it: each launch holds a layer's pin shared, a prune tries it exclusively.
 *
 * <pre>{@code
 * try (Flock pin = Flock.shared(Path.of("/var/lib/panamax/pins/HEX"))) {   // waits for an exclusive holder
 *     ...
 * }
 * Optional<Flock> mine = Flock.tryExclusive(pin);   // empty while anyone holds it
 * }</pre>
 */
public final class Flock implements AutoCloseable {
    private final int fd;
    private boolean closed;

    private Flock(int fd) {
        this.fd = fd;
    }

    /**
     * Opens {@code file} and takes a shared lock, waiting while another description holds it exclusively.
     *
     * @param file an existing file
     * @return the held lock
     * @throws ErrnoException from {@code open} (ENOENT for a missing file) or {@code flock}
     */
    public static Flock shared(Path file) {
        return lock(file, Libc.LOCK_SH).orElseThrow();
    }

    /**
     * Opens {@code file} and takes an exclusive lock if nobody holds one (a shared one included), without waiting.
     *
     * @param file an existing file
     * @return the held lock, or empty when the file is locked
     * @throws ErrnoException from {@code open} (ENOENT for a missing file) or {@code flock}
     */
    public static Optional<Flock> tryExclusive(Path file) {
        return lock(file, Libc.LOCK_EX | Libc.LOCK_NB);
    }

    private static Optional<Flock> lock(Path file, int operation) {
        int fd = Libc.open(file.toString(), Abi.O_RDONLY | Abi.O_CLOEXEC, 0);
        try {
            Libc.flock(fd, operation);
            return Optional.of(new Flock(fd));
        } catch (ErrnoException e) {
            Libc.close(fd);
            if ((operation & Libc.LOCK_NB) != 0 && e.errno() == Errno.number("EWOULDBLOCK")) {
                return Optional.empty();
            }
            throw new ErrnoException(e.call(), e.errno(), file + ", " + e.detail());
        } catch (RuntimeException | Error e) {
            Libc.close(fd);
            throw e;
        }
    }

    /** Releases the lock (closes the descriptor); a second call does nothing. */
    @Override
    public synchronized void close() {
        if (!closed) {
            closed = true;
            Libc.close(fd);
        }
    }
}
