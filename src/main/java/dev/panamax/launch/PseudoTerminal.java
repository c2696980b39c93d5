package dev.panamax.launch;

import dev.panamax.Terminal;
import dev.panamax.sys.Errno;
import dev.panamax.sys.ErrnoException;
import dev.panamax.sys.internal.Abi;
import dev.panamax.sys.internal.Libc;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.Objects;

/**
 * A host pseudo-terminal for one container: the master stays in the JVM (the {@link Terminal} handle), the
 * slave is handed to the child as its standard streams and closed in the parent once the child has it.
 *
 * <pre>{@code
 * PseudoTerminal pty = PseudoTerminal.open();   // /dev/ptmx, unlocked, slave opened
 * int slave = pty.slave();                      // dup3'ed onto 0, 1, 2 by the child
 * pty.closeSlave();                             // after the launch: EOF on output() once the container exits
 * }</pre>
 *
 * <p>Both descriptors are O_NOCTTY (the JVM must never acquire a controlling terminal) and O_CLOEXEC. The
 * master cannot be wrapped by reopening /proc/self/fd (reopening a ptmx master allocates a new terminal),
 * so its streams call read and write on the descriptor itself.
 */
final class PseudoTerminal implements Terminal, AutoCloseable {
    private static final int EIO = Errno.number("EIO");

    private final int master;
    private final String name;
    private int slave;
    private volatile boolean closed;
    /** Reads and writes of the master share it; close takes it alone (see {@link #close()}). */
    private final java.util.concurrent.locks.ReadWriteLock io = new java.util.concurrent.locks.ReentrantReadWriteLock();
    private final InputStream output = new MasterInput();
    private final OutputStream input = new MasterOutput();

    private PseudoTerminal(int master, String name, int slave) {
        this.master = master;
        this.name = name;
        this.slave = slave;
    }

    /** Allocates a terminal: open /dev/ptmx, unlock the slave (TIOCSPTLCK 0), find its number, open it. */
    static PseudoTerminal open() {
        int master = Libc.open("/dev/ptmx", Abi.O_RDWR | Abi.O_NOCTTY | Abi.O_CLOEXEC, 0);
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment word = arena.allocate(ValueLayout.JAVA_INT);
            word.set(ValueLayout.JAVA_INT, 0, 0);
            Libc.ioctl(master, Abi.TIOCSPTLCK, word);
            Libc.ioctl(master, Abi.TIOCGPTN, word);
            String name = "/dev/pts/" + word.get(ValueLayout.JAVA_INT, 0);
            int slave = Libc.open(name, Abi.O_RDWR | Abi.O_NOCTTY | Abi.O_CLOEXEC, 0);
            return new PseudoTerminal(master, name, slave);
        } catch (RuntimeException e) {
            Libc.close(master);
            throw e;
        }
    }

    /** The slave descriptor, for the child program. */
    int slave() {
        return slave;
    }

    /** Closes the parent's copy of the slave: from now on only the container holds it. */
    void closeSlave() {
        if (slave >= 0) {
            Libc.close(slave);
            slave = -1;
        }
    }

    @Override
    public OutputStream input() {
        return input;
    }

    @Override
    public InputStream output() {
        return output;
    }

    @Override
    public void resize(int rows, int columns) {
        if (rows < 1 || rows > 0xFFFF || columns < 1 || columns > 0xFFFF) {
            throw new IllegalArgumentException("terminal size: rows and columns must be 1..65535, got "
                    + rows + "x" + columns);
        }
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment winsize = arena.allocate(Abi.SIZEOF_WINSIZE, 2); // ws_row, ws_col, ws_xpixel, ws_ypixel
            winsize.set(ValueLayout.JAVA_SHORT, 0, (short) rows);
            winsize.set(ValueLayout.JAVA_SHORT, 2, (short) columns);
            Libc.ioctl(masterFd(), Abi.TIOCSWINSZ, winsize);
        }
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public void sendTo(java.nio.file.Path consoleSocket) {
        io.readLock().lock(); // not closed while it is sent
        try {
            dev.panamax.sys.UnixSockets.sendFd(consoleSocket, masterFd(), name);
        } finally {
            io.readLock().unlock();
        }
        close();
    }

    private int masterFd() {
        if (closed) {
            throw new IllegalStateException("terminal " + name + " is closed (its container was closed)");
        }
        return master;
    }

    /**
     * Closes both sides. The master is closed under the write lock, so never while a read or write of it is
     * in flight: the number could otherwise be reused by another open and the I/O would hit that file. A
     * reader blocked in {@link #output()} returns (EIO) once no process holds the slave: the container is
     * dead by the time its handle closes the terminal.
     */
    @Override
    public void close() {
        closeSlave();
        io.writeLock().lock();
        try {
            if (!closed) {
                closed = true;
                Libc.close(master);
            }
        } finally {
            io.writeLock().unlock();
        }
    }

    @Override
    public String toString() {
        return "Terminal[" + name + (closed ? ", closed]" : "]");
    }

    /** Reads the master; EIO (no process holds the slave any more) is the end of the stream. */
    private final class MasterInput extends InputStream {
        private final MemorySegment buffer = Arena.ofAuto().allocate(8192);

        @Override
        public int read() throws IOException {
            byte[] one = new byte[1];
            return read(one, 0, 1) == -1 ? -1 : one[0] & 0xFF;
        }

        @Override
        public synchronized int read(byte[] b, int off, int len) throws IOException {
            Objects.checkFromIndexSize(off, len, b.length);
            if (len == 0) {
                return 0;
            }
            if (closed) {
                return -1;
            }
            long n;
            io.readLock().lock();
            try {
                if (closed) {
                    return -1;
                }
                n = Libc.read(master, buffer, Math.min(len, buffer.byteSize()));
            } catch (ErrnoException e) {
                if (e.errno() == EIO || closed) {
                    return -1;
                }
                throw new IOException("read terminal " + name + ": " + e.getMessage(), e);
            } finally {
                io.readLock().unlock();
            }
            if (n == 0) {
                return -1;
            }
            MemorySegment.copy(buffer, ValueLayout.JAVA_BYTE, 0, b, off, (int) n);
            return (int) n;
        }
    }

    /** Writes the master: what the user types. */
    private final class MasterOutput extends OutputStream {
        private final MemorySegment buffer = Arena.ofAuto().allocate(8192);

        @Override
        public void write(int b) throws IOException {
            write(new byte[] {(byte) b}, 0, 1);
        }

        @Override
        public synchronized void write(byte[] b, int off, int len) throws IOException {
            Objects.checkFromIndexSize(off, len, b.length);
            while (len > 0) {
                if (closed) {
                    throw new IOException("terminal " + name + " is closed");
                }
                int chunk = (int) Math.min(len, buffer.byteSize());
                MemorySegment.copy(b, off, buffer, ValueLayout.JAVA_BYTE, 0, chunk);
                io.readLock().lock();
                try {
                    if (closed) {
                        throw new IOException("terminal " + name + " is closed");
                    }
                    long n = Libc.write(master, buffer, chunk);
                    off += (int) n;
                    len -= (int) n;
                } catch (ErrnoException e) {
                    throw new IOException("write terminal " + name + ": " + e.getMessage(), e);
                } finally {
                    io.readLock().unlock();
                }
            }
        }
    }
}
