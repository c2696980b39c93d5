package dev.panamax.sys;

import static dev.panamax.sys.internal.Downcalls.capturing;
import static dev.panamax.sys.internal.Downcalls.check;
import static dev.panamax.sys.internal.Downcalls.state;
import static dev.panamax.sys.internal.Downcalls.unexpected;

import dev.panamax.bindings.cmsghdr;
import dev.panamax.bindings.iovec;
import dev.panamax.bindings.linux_h;
import dev.panamax.bindings.msghdr;
import dev.panamax.bindings.sockaddr_un;
import dev.panamax.sys.internal.Libc;

import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.MethodHandle;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;

/**
 * A descriptor passed over a unix socket ({@code SCM_RIGHTS}), as an OCI runtime hands a terminal's master to
 * the caller's {@code --console-socket}. The message is the one runc's {@code utils.SendFile} sends and
 * {@code utils.RecvFile} (containerd, conmon, podman) reads: the data is the file's name (for a terminal, the
 * path of its slave, such as {@code /dev/pts/3}), the control message holds exactly one descriptor.
 *
 * <pre>{@code
 * try (UnixSockets.Listener l = UnixSockets.listen(Path.of("/tmp/console.sock"))) {
 *     // another process: UnixSockets.sendFd(Path.of("/tmp/console.sock"), master, "/dev/pts/3");
 *     UnixSockets.Received r = l.receiveFd();     // r.name() = "/dev/pts/3", r.fd() = the master, close-on-exec
 * }
 * }</pre>
 */
public final class UnixSockets {
    /** runc's {@code MaxNameLen}: the longest name a receiver reads. */
    public static final int MAX_NAME = 4096;

    private static final long SIZE_T = linux_h.C_LONG.byteSize();
    private static final MethodHandle SOCKET = capturing(linux_h.socket$address(), linux_h.socket$descriptor());
    // the sockaddr parameters are transparent unions in glibc's declarations: passed as the pointer they hold
    private static final MethodHandle CONNECT = capturing(linux_h.connect$address(),
            FunctionDescriptor.of(linux_h.C_INT, linux_h.C_INT, linux_h.C_POINTER, linux_h.C_INT));
    private static final MethodHandle BIND = capturing(linux_h.bind$address(),
            FunctionDescriptor.of(linux_h.C_INT, linux_h.C_INT, linux_h.C_POINTER, linux_h.C_INT));
    private static final MethodHandle LISTEN = capturing(linux_h.listen$address(), linux_h.listen$descriptor());
    private static final MethodHandle ACCEPT4 = capturing(linux_h.accept4$address(), FunctionDescriptor.of(
            linux_h.C_INT, linux_h.C_INT, linux_h.C_POINTER, linux_h.C_POINTER, linux_h.C_INT));
    private static final MethodHandle SENDMSG = capturing(linux_h.sendmsg$address(), linux_h.sendmsg$descriptor());
    private static final MethodHandle RECVMSG = capturing(linux_h.recvmsg$address(), linux_h.recvmsg$descriptor());

    private UnixSockets() {
    }

    /**
     * A descriptor received with its name.
     *
     * @param name the message's data: the file's name as the sender gave it
     * @param fd   the descriptor, close-on-exec; the receiver owns it
     */
    public record Received(String name, int fd) {
    }

    /**
     * Connects to the {@code SOCK_STREAM} unix socket at {@code socket}, sends {@code fd} with {@code name} as
     * the data ({@code sendmsg}, one {@code SCM_RIGHTS} control message), and closes the connection. The
     * caller keeps its own {@code fd} (the receiver gets a duplicate).
     *
     * @param socket the listening socket's path (at most 107 bytes)
     * @param fd     the descriptor to send
     * @param name   the file's name (1 to {@value #MAX_NAME} bytes of UTF-8)
     * @throws IllegalArgumentException if the path or the name is too long, or the name is empty
     * @throws ErrnoException           if {@code socket}, {@code connect} or {@code sendmsg} fails (the message
     *                                  names the socket's path)
     */
    public static void sendFd(Path socket, int fd, String name) {
        byte[] data = name.getBytes(StandardCharsets.UTF_8);
        if (data.length == 0 || data.length > MAX_NAME) {
            throw new IllegalArgumentException("name: must be 1 to " + MAX_NAME + " bytes, got " + data.length);
        }
        int s = socket();
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment state = state(arena);
            MemorySegment address = address(arena, socket);
            check((int) CONNECT.invokeExact(state, s, address, (int) address.byteSize()), state, "connect",
                    () -> "AF_UNIX " + socket);
            MemorySegment buffer = arena.allocateFrom(ValueLayout.JAVA_BYTE, data);
            MemorySegment control = arena.allocate(space(Integer.BYTES), SIZE_T);
            control.set(ValueLayout.JAVA_LONG, cmsghdr.cmsg_len$offset(), length(Integer.BYTES));
            control.set(ValueLayout.JAVA_INT, cmsghdr.cmsg_level$offset(), linux_h.SOL_SOCKET());
            control.set(ValueLayout.JAVA_INT, cmsghdr.cmsg_type$offset(), linux_h.SCM_RIGHTS());
            control.set(ValueLayout.JAVA_INT, dataOffset(), fd);
            MemorySegment message = message(arena, buffer, control);
            long n = (long) SENDMSG.invokeExact(state, s, message, linux_h.MSG_NOSIGNAL());
            check(n, state, "sendmsg", () -> "AF_UNIX " + socket + ", fd " + fd + " with SCM_RIGHTS");
            if (n != data.length) { // a stream socket sends a message this small whole, or fails
                throw new ErrnoException("sendmsg", Errno.number("EMSGSIZE"), "AF_UNIX " + socket + ": sent " + n
                        + " of " + data.length + " bytes");
            }
        } catch (RuntimeException | Error e) {
            throw e;
        } catch (Throwable t) {
            throw unexpected("sendmsg", t);
        } finally {
            Libc.close(s);
        }
    }

    /**
     * Makes a {@code SOCK_STREAM} unix socket listening at {@code socket} (the path must not exist), for a
     * receiver of {@link #sendFd}: what a caller of an OCI runtime's {@code --console-socket} does.
     *
     * @param socket the path to bind (at most 107 bytes)
     * @return the listener; closing it closes the socket and removes the path
     * @throws IllegalArgumentException if the path is too long
     * @throws ErrnoException           if {@code socket}, {@code bind} or {@code listen} fails
     */
    public static Listener listen(Path socket) {
        int s = socket();
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment state = state(arena);
            MemorySegment address = address(arena, socket);
            check((int) BIND.invokeExact(state, s, address, (int) address.byteSize()), state, "bind",
                    () -> "AF_UNIX " + socket);
            check((int) LISTEN.invokeExact(state, s, 1), state, "listen", () -> "AF_UNIX " + socket);
            return new Listener(s, socket);
        } catch (RuntimeException | Error e) {
            Libc.close(s);
            throw e;
        } catch (Throwable t) {
            Libc.close(s);
            throw unexpected("listen", t);
        }
    }

    /** A listening unix socket that receives descriptors sent by {@link #sendFd}. */
    public static final class Listener implements AutoCloseable {
        private final int fd;
        private final Path path;
        private boolean closed;

        private Listener(int fd, Path path) {
            this.fd = fd;
            this.path = path;
        }

        /** {@return the socket's path} */
        public Path path() {
            return path;
        }

        /**
         * Accepts one connection, reads one message (up to {@value #MAX_NAME} bytes of name and one
         * descriptor, received close-on-exec) and closes the connection, as runc's {@code RecvFile} does.
         *
         * @return the name and the descriptor
         * @throws ErrnoException if {@code accept4} or {@code recvmsg} fails, or the message holds no
         *                        descriptor (EBADMSG) or was cut (EMSGSIZE)
         */
        public Received receiveFd() {
            int c;
            try (Arena arena = Arena.ofConfined()) {
                MemorySegment state = state(arena);
                c = (int) check((int) ACCEPT4.invokeExact(state, fd, MemorySegment.NULL, MemorySegment.NULL,
                        linux_h.SOCK_CLOEXEC()), state, "accept4", () -> "AF_UNIX " + path);
            } catch (RuntimeException | Error e) {
                throw e;
            } catch (Throwable t) {
                throw unexpected("accept4", t);
            }
            try (Arena arena = Arena.ofConfined()) {
                MemorySegment state = state(arena);
                MemorySegment buffer = arena.allocate(MAX_NAME);
                MemorySegment control = arena.allocate(space(Integer.BYTES), SIZE_T);
                MemorySegment message = message(arena, buffer, control);
                long n = (long) RECVMSG.invokeExact(state, c, message, linux_h.MSG_CMSG_CLOEXEC());
                check(n, state, "recvmsg", () -> "AF_UNIX " + path);
                int flags = message.get(ValueLayout.JAVA_INT, msghdr.msg_flags$offset());
                long controlLength = message.get(ValueLayout.JAVA_LONG, msghdr.msg_controllen$offset());
                boolean hasFd = controlLength >= length(Integer.BYTES)
                        && control.get(ValueLayout.JAVA_INT, cmsghdr.cmsg_level$offset()) == linux_h.SOL_SOCKET()
                        && control.get(ValueLayout.JAVA_INT, cmsghdr.cmsg_type$offset()) == linux_h.SCM_RIGHTS();
                if (!hasFd) {
                    throw new ErrnoException("recvmsg", Errno.number("EBADMSG"), "AF_UNIX " + path
                            + ": the message holds no SCM_RIGHTS descriptor");
                }
                int received = control.get(ValueLayout.JAVA_INT, dataOffset());
                if ((flags & linux_h.MSG_CTRUNC()) != 0) { // more than one descriptor sent: keep none
                    Libc.close(received);
                    throw new ErrnoException("recvmsg", Errno.number("EMSGSIZE"), "AF_UNIX " + path
                            + ": more than one descriptor");
                }
                return new Received(new String(buffer.asSlice(0, n).toArray(ValueLayout.JAVA_BYTE),
                        StandardCharsets.UTF_8), received);
            } catch (RuntimeException | Error e) {
                throw e;
            } catch (Throwable t) {
                throw unexpected("recvmsg", t);
            } finally {
                Libc.close(c);
            }
        }

        /** Closes the socket and removes its path. */
        @Override
        public synchronized void close() {
            if (!closed) {
                closed = true;
                Libc.close(fd);
                try {
                    java.nio.file.Files.deleteIfExists(path);
                } catch (java.io.IOException ignored) {
                    // the path was replaced or its directory removed: nothing of ours is left
                }
            }
        }
    }

    private static int socket() {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment state = state(arena);
            int fd = (int) SOCKET.invokeExact(state, linux_h.AF_UNIX(), linux_h.SOCK_STREAM() | linux_h.SOCK_CLOEXEC(),
                    0);
            return (int) check(fd, state, "socket", () -> "AF_UNIX, SOCK_STREAM|SOCK_CLOEXEC, 0");
        } catch (RuntimeException | Error e) {
            throw e;
        } catch (Throwable t) {
            throw unexpected("socket", t);
        }
    }

    private static MemorySegment address(Arena arena, Path socket) {
        byte[] path = socket.toString().getBytes(StandardCharsets.UTF_8);
        long room = sockaddr_un.layout().byteSize() - sockaddr_un.sun_path$offset();
        if (path.length == 0 || path.length >= room) {
            throw new IllegalArgumentException("socket path " + socket + ": must be 1 to " + (room - 1)
                    + " bytes, got " + path.length);
        }
        MemorySegment address = arena.allocate(sockaddr_un.layout());
        address.set(ValueLayout.JAVA_SHORT, sockaddr_un.sun_family$offset(), (short) linux_h.AF_UNIX());
        MemorySegment.copy(path, 0, address, ValueLayout.JAVA_BYTE, sockaddr_un.sun_path$offset(), path.length);
        return address;
    }

    /** A {@code msghdr} with one iovec over {@code data} and the control buffer {@code control}. */
    private static MemorySegment message(Arena arena, MemorySegment data, MemorySegment control) {
        MemorySegment iov = arena.allocate(iovec.layout());
        iov.set(ValueLayout.ADDRESS, iovec.iov_base$offset(), data);
        iov.set(ValueLayout.JAVA_LONG, iovec.iov_len$offset(), data.byteSize());
        MemorySegment message = arena.allocate(msghdr.layout());
        message.set(ValueLayout.ADDRESS, msghdr.msg_iov$offset(), iov);
        message.set(ValueLayout.JAVA_LONG, msghdr.msg_iovlen$offset(), 1);
        message.set(ValueLayout.ADDRESS, msghdr.msg_control$offset(), control);
        message.set(ValueLayout.JAVA_LONG, msghdr.msg_controllen$offset(), control.byteSize());
        return message;
    }

    /** {@code CMSG_ALIGN}: up to a multiple of {@code sizeof(size_t)}. */
    private static long align(long n) {
        return (n + SIZE_T - 1) & ~(SIZE_T - 1);
    }

    /** {@code CMSG_DATA}'s offset from the header. */
    private static long dataOffset() {
        return align(cmsghdr.sizeof());
    }

    /** {@code CMSG_LEN(n)}. */
    private static long length(long n) {
        return dataOffset() + n;
    }

    /** {@code CMSG_SPACE(n)}. */
    private static long space(long n) {
        return dataOffset() + align(n);
    }
}
