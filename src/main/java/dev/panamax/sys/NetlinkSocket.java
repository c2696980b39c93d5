package dev.panamax.sys;

import static dev.panamax.sys.internal.Downcalls.capturing;
import static dev.panamax.sys.internal.Downcalls.check;
import static dev.panamax.sys.internal.Downcalls.errno;
import static dev.panamax.sys.internal.Downcalls.state;
import static dev.panamax.sys.internal.Downcalls.unexpected;

import dev.panamax.bindings.linux_h;
import dev.panamax.bindings.nlmsgerr;
import dev.panamax.bindings.nlmsghdr;
import dev.panamax.bindings.sockaddr_nl;
import dev.panamax.sys.internal.Libc;

import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.MethodHandle;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.FutureTask;

/**
 * A {@code NETLINK_ROUTE} socket: sends one request at a time and collects its replies. It is the
 * transport under {@code dev.panamax.net.Rtnetlink}, which builds the messages.
 *
 * <p>The socket is {@code SOCK_CLOEXEC} and asks for extended acks ({@code NETLINK_EXT_ACK}) without
 * the echoed request ({@code NETLINK_CAP_ACK}). {@link #request} stamps the sequence number, waits for
 * the end of a dump ({@code NLMSG_DONE}) or for the ack of any other request, and turns a refusal into
 * a {@link NetlinkException} carrying the kernel's message. Requests are serialised: the socket may be
 * shared between threads.
 *
 * <p>A netlink socket acts in the network namespace it was created in, whichever thread uses it later.
 * {@link #openIn} creates one in another namespace by {@code setns} on a new platform thread that only
 * opens the socket and ends, so that no thread of the JVM stays in that namespace.
 *
 * <pre>{@code
 * try (NetlinkSocket nl = NetlinkSocket.openIn(netnsFd)) {
 *     List<byte[]> replies = nl.request("RTM_GETLINK", "dump", dumpRequest);
 * }
 * }</pre>
 */
public final class NetlinkSocket implements AutoCloseable {
    private static final ByteOrder HOST = ByteOrder.nativeOrder();
    private static final int HDRLEN = linux_h.NLMSG_HDRLEN();
    private static final int OFF_LEN = (int) nlmsghdr.nlmsg_len$offset();
    private static final int OFF_TYPE = (int) nlmsghdr.nlmsg_type$offset();
    private static final int OFF_FLAGS = (int) nlmsghdr.nlmsg_flags$offset();
    private static final int OFF_SEQ = (int) nlmsghdr.nlmsg_seq$offset();
    private static final int OFF_PID = (int) nlmsghdr.nlmsg_pid$offset();
    private static final int ERR_ERROR = (int) nlmsgerr.error$offset();
    private static final int ERR_MSG = (int) nlmsgerr.msg$offset();
    private static final int SIZEOF_NLMSGERR = (int) nlmsgerr.sizeof();
    private static final int NLM_F_DUMP = linux_h.NLM_F_DUMP();
    private static final int EINTR = linux_h.EINTR();
    private static final int PEEK_BYTES = 16;

    private static final MethodHandle SOCKET = capturing(linux_h.socket$address(), linux_h.socket$descriptor());
    private static final MethodHandle SETSOCKOPT =
            capturing(linux_h.setsockopt$address(), linux_h.setsockopt$descriptor());
    // glibc declares the sockaddr parameters as transparent unions (passed as the pointer they hold):
    // these descriptors say pointer, instead of the generated ones' union by value.
    private static final MethodHandle BIND = capturing(linux_h.bind$address(),
            FunctionDescriptor.of(linux_h.C_INT, linux_h.C_INT, linux_h.C_POINTER, linux_h.C_INT));
    private static final MethodHandle SENDTO = capturing(linux_h.sendto$address(), FunctionDescriptor.of(linux_h.C_LONG,
            linux_h.C_INT, linux_h.C_POINTER, linux_h.C_LONG, linux_h.C_INT, linux_h.C_POINTER, linux_h.C_INT));
    private static final MethodHandle RECVFROM = capturing(linux_h.recvfrom$address(), FunctionDescriptor.of(
            linux_h.C_LONG, linux_h.C_INT, linux_h.C_POINTER, linux_h.C_LONG, linux_h.C_INT, linux_h.C_POINTER,
            linux_h.C_POINTER));

    private final int fd;
    private int sequence;
    private boolean closed;

    private NetlinkSocket(int fd) {
        this.fd = fd;
    }

    /**
     * Opens a {@code NETLINK_ROUTE} socket in the calling thread's network namespace (normally the
     * JVM's).
     *
     * @return the open socket
     * @throws ErrnoException if {@code socket}, {@code setsockopt} or {@code bind} fails
     */
    public static NetlinkSocket open() {
        int fd = socket();
        try {
            setFlag(fd, linux_h.NETLINK_EXT_ACK(), "NETLINK_EXT_ACK");
            setFlag(fd, linux_h.NETLINK_CAP_ACK(), "NETLINK_CAP_ACK");
            bind(fd);
            return new NetlinkSocket(fd);
        } catch (RuntimeException e) {
            Libc.close(fd);
            throw e;
        }
    }

    /**
     * Opens a {@code NETLINK_ROUTE} socket in the network namespace that {@code nsOrPidFd} refers to:
     * an open {@code /proc/<pid>/ns/net} (or a bind mount of one, like {@code /run/netns/NAME}) or a
     * pidfd (kernel 5.8 or later). A new platform thread joins the namespace, opens the socket and
     * ends; the socket then acts in that namespace from any thread. The descriptor stays the caller's.
     *
     * @param nsOrPidFd a network namespace descriptor or a pidfd
     * @return the open socket
     * @throws ErrnoException if {@code setns} (EPERM without CAP_SYS_ADMIN, EINVAL for a descriptor
     *                        of something else) or opening the socket fails
     */
    public static NetlinkSocket openIn(int nsOrPidFd) {
        FutureTask<NetlinkSocket> task = new FutureTask<>(() -> {
            Linux.setns(nsOrPidFd, Namespace.NET);
            return open();
        });
        Thread thread = Thread.ofPlatform().name("panamax-netns-open").unstarted(task);
        thread.start();
        boolean interrupted = false;
        try {
            while (true) {
                try {
                    return task.get();
                } catch (InterruptedException e) {
                    interrupted = true; // the thread ends on its own within microseconds; wait for it
                } catch (ExecutionException e) {
                    if (e.getCause() instanceof RuntimeException r) {
                        throw r;
                    }
                    throw new IllegalStateException("opening a netlink socket in a namespace failed", e.getCause());
                }
            }
        } finally {
            if (interrupted) {
                Thread.currentThread().interrupt();
            }
        }
    }

    /**
     * Sends one request and returns the kernel's replies. The socket sets {@code NLM_F_REQUEST}, the
     * sequence number and port id 0; it adds {@code NLM_F_ACK} unless the request is a dump
     * ({@code NLM_F_DUMP}), and reads until the ack or {@code NLMSG_DONE}.
     *
     * @param call    the request's name for error messages, e.g. {@code "RTM_NEWLINK"}
     * @param detail  its objects for error messages, e.g. {@code bridge "br0"}
     * @param message one complete netlink message whose length field equals {@code message.length}; not modified
     * @return the reply messages, each complete with its header, in order; without the ack and {@code NLMSG_DONE}
     * @throws NetlinkException         if the kernel refuses the request (errno and extended-ack text)
     * @throws ErrnoException           if {@code sendto} or {@code recvfrom} fails
     * @throws IllegalArgumentException if {@code message} is not one well-formed netlink message
     * @throws IllegalStateException    if the socket is closed or the kernel's reply is malformed
     */
    public synchronized List<byte[]> request(String call, String detail, byte[] message) {
        if (closed) {
            throw new IllegalStateException("netlink socket is closed");
        }
        ByteBuffer request = ByteBuffer.wrap(message.clone()).order(HOST);
        if (message.length < HDRLEN || request.getInt(OFF_LEN) != message.length) {
            throw new IllegalArgumentException(call + ": not one netlink message: length field "
                    + (message.length < HDRLEN ? "missing" : request.getInt(OFF_LEN)) + ", " + message.length + " bytes");
        }
        int flags = Short.toUnsignedInt(request.getShort(OFF_FLAGS)) | linux_h.NLM_F_REQUEST();
        boolean dump = (flags & NLM_F_DUMP) == NLM_F_DUMP;
        if (!dump) {
            flags |= linux_h.NLM_F_ACK();
        }
        int seq = ++sequence;
        request.putShort(OFF_FLAGS, (short) flags).putInt(OFF_SEQ, seq).putInt(OFF_PID, 0);
        try (Arena arena = Arena.ofConfined()) {
            send(arena, request.array());
            List<byte[]> replies = new ArrayList<>();
            while (true) {
                ByteBuffer datagram = receive(arena);
                if (collect(call, detail, seq, datagram, replies)) {
                    return replies;
                }
            }
        }
    }

    /**
     * Adds the datagram's messages for {@code seq} to {@code replies}; true when the request is answered.
     * Messages with another sequence number (left over from an earlier, interrupted request) are skipped.
     */
    private static boolean collect(String call, String detail, int seq, ByteBuffer datagram, List<byte[]> replies) {
        int offset = 0;
        boolean finished = false;
        while (datagram.limit() - offset >= HDRLEN) {
            int length = datagram.getInt(offset + OFF_LEN);
            if (length < HDRLEN || length > datagram.limit() - offset) {
                throw new IllegalStateException(call + ": malformed netlink reply: message length " + length
                        + " at offset " + offset + " of " + datagram.limit());
            }
            int type = Short.toUnsignedInt(datagram.getShort(offset + OFF_TYPE));
            if (datagram.getInt(offset + OFF_SEQ) == seq) {
                if (type == linux_h.NLMSG_ERROR()) {
                    fail(call, detail, datagram.slice(offset, length).order(HOST));
                    finished = true;
                } else if (type == linux_h.NLMSG_DONE()) {
                    if (length >= HDRLEN + Integer.BYTES && datagram.getInt(offset + HDRLEN) < 0) {
                        throw refusal(call, detail, -datagram.getInt(offset + HDRLEN),
                                datagram.slice(offset, length).order(HOST), HDRLEN + Integer.BYTES);
                    }
                    finished = true;
                } else if (type != linux_h.NLMSG_NOOP()) {
                    byte[] copy = new byte[length];
                    datagram.get(offset, copy);
                    replies.add(copy);
                }
            }
            offset += align(length);
        }
        return finished;
    }

    /** An {@code NLMSG_ERROR} message: returns for an ack (error 0), throws for a refusal. */
    private static void fail(String call, String detail, ByteBuffer message) {
        if (message.limit() < HDRLEN + SIZEOF_NLMSGERR) {
            throw new IllegalStateException(call + ": truncated NLMSG_ERROR reply of " + message.limit() + " bytes");
        }
        int error = message.getInt(HDRLEN + ERR_ERROR);
        if (error == 0) {
            return;
        }
        int flags = Short.toUnsignedInt(message.getShort(OFF_FLAGS));
        int attributes = HDRLEN + SIZEOF_NLMSGERR;
        if ((flags & linux_h.NLM_F_CAPPED()) == 0) { // the request's payload is echoed before the TLVs
            attributes += align(message.getInt(HDRLEN + ERR_MSG + OFF_LEN) - HDRLEN);
        }
        throw refusal(call, detail, -error, message, attributes);
    }

    private static NetlinkException refusal(String call, String detail, int errno, ByteBuffer message, int attributes) {
        boolean tlvs = (Short.toUnsignedInt(message.getShort(OFF_FLAGS)) & linux_h.NLM_F_ACK_TLVS()) != 0;
        return new NetlinkException(call, errno, detail, tlvs ? extackMessage(message, attributes) : "");
    }

    /** The {@code NLMSGERR_ATTR_MSG} string among the attributes from {@code offset}, or empty. */
    static String extackMessage(ByteBuffer message, int offset) {
        int nlaHdr = linux_h.NLA_HDRLEN();
        while (offset + nlaHdr <= message.limit()) {
            int length = Short.toUnsignedInt(message.getShort(offset));
            int type = Short.toUnsignedInt(message.getShort(offset + 2)) & linux_h.NLA_TYPE_MASK();
            if (length < nlaHdr || offset + length > message.limit()) {
                return "";
            }
            if (type == linux_h.NLMSGERR_ATTR_MSG()) {
                int end = offset + nlaHdr;
                while (end < offset + length && message.get(end) != 0) {
                    end++;
                }
                byte[] text = new byte[end - offset - nlaHdr];
                message.get(offset + nlaHdr, text);
                return new String(text, StandardCharsets.UTF_8);
            }
            offset += align(length);
        }
        return "";
    }

    private static int align(int length) {
        int to = linux_h.NLMSG_ALIGNTO();
        return (length + to - 1) & -to;
    }

    private void send(Arena arena, byte[] bytes) {
        MemorySegment buf = arena.allocateFrom(ValueLayout.JAVA_BYTE, bytes);
        MemorySegment kernel = sockaddr(arena);
        try {
            MemorySegment state = state(arena);
            while (true) {
                long n = (long) SENDTO.invokeExact(state, fd, buf, (long) bytes.length, 0, kernel, (int) sockaddr_nl.sizeof());
                if (n == -1 && errno(state) == EINTR) {
                    continue;
                }
                check(n, state, "sendto", () -> fd + ", " + bytes.length + " bytes, netlink kernel");
                return;
            }
        } catch (Throwable t) {
            throw unexpected("sendto", t);
        }
    }

    /** One datagram from the kernel (others' are dropped), sized by a {@code MSG_PEEK|MSG_TRUNC} look first. */
    private ByteBuffer receive(Arena arena) {
        while (true) {
            int size = (int) recvfrom(arena, arena.allocate(PEEK_BYTES), linux_h.MSG_PEEK() | linux_h.MSG_TRUNC(), null);
            MemorySegment buf = arena.allocate(Math.max(size, 1));
            MemorySegment from = sockaddr(arena);
            int n = (int) recvfrom(arena, buf, 0, from);
            if (from.get(ValueLayout.JAVA_INT, sockaddr_nl.nl_pid$offset()) == 0) {
                return ByteBuffer.wrap(buf.asSlice(0, n).toArray(ValueLayout.JAVA_BYTE)).order(HOST);
            }
        }
    }

    private long recvfrom(Arena arena, MemorySegment buf, int flags, MemorySegment from) {
        MemorySegment length = arena.allocateFrom(ValueLayout.JAVA_INT, (int) sockaddr_nl.sizeof());
        MemorySegment address = from == null ? MemorySegment.NULL : from;
        MemorySegment lengthPtr = from == null ? MemorySegment.NULL : length;
        try {
            MemorySegment state = state(arena);
            while (true) {
                long n = (long) RECVFROM.invokeExact(state, fd, buf, buf.byteSize(), flags, address, lengthPtr);
                if (n == -1 && errno(state) == EINTR) {
                    continue;
                }
                return check(n, state, "recvfrom", () -> fd + ", " + buf.byteSize() + " bytes, 0x" + Integer.toHexString(flags));
            }
        } catch (Throwable t) {
            throw unexpected("recvfrom", t);
        }
    }

    private static MemorySegment sockaddr(Arena arena) {
        MemorySegment address = arena.allocate(sockaddr_nl.layout());
        address.set(ValueLayout.JAVA_SHORT, sockaddr_nl.nl_family$offset(), (short) linux_h.AF_NETLINK());
        return address;
    }

    private static int socket() {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment state = state(arena);
            int fd = (int) SOCKET.invokeExact(state, linux_h.AF_NETLINK(), linux_h.SOCK_RAW() | linux_h.SOCK_CLOEXEC(),
                    linux_h.NETLINK_ROUTE());
            return (int) check(fd, state, "socket", () -> "AF_NETLINK, SOCK_RAW|SOCK_CLOEXEC, NETLINK_ROUTE");
        } catch (Throwable t) {
            throw unexpected("socket", t);
        }
    }

    private static void setFlag(int fd, int option, String name) {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment state = state(arena);
            MemorySegment one = arena.allocateFrom(ValueLayout.JAVA_INT, 1);
            check((int) SETSOCKOPT.invokeExact(state, fd, linux_h.SOL_NETLINK(), option, one, Integer.BYTES), state,
                    "setsockopt", () -> fd + ", SOL_NETLINK, " + name + ", 1");
        } catch (Throwable t) {
            throw unexpected("setsockopt", t);
        }
    }

    private static void bind(int fd) {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment state = state(arena);
            check((int) BIND.invokeExact(state, fd, sockaddr(arena), (int) sockaddr_nl.sizeof()), state, "bind",
                    () -> fd + ", AF_NETLINK port chosen by the kernel");
        } catch (Throwable t) {
            throw unexpected("bind", t);
        }
    }

    /** Closes the socket; later calls do nothing. */
    @Override
    public synchronized void close() {
        if (!closed) {
            closed = true;
            Libc.close(fd);
        }
    }
}
