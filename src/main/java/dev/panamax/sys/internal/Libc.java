package dev.panamax.sys.internal;

import static dev.panamax.sys.internal.Downcalls.capturing;
import static dev.panamax.sys.internal.Downcalls.capturingVariadic;
import static dev.panamax.sys.internal.Downcalls.check;
import static dev.panamax.sys.internal.Downcalls.state;
import static dev.panamax.sys.internal.Downcalls.unexpected;

import dev.panamax.bindings.linux_h;
import dev.panamax.sys.ErrnoException;

import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.MemoryLayout;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.MethodHandle;
import java.util.Arrays;
import java.util.stream.Collectors;
import java.util.stream.LongStream;

/**
 * Errno-checked libc calls for the launch layer. Every method throws {@link ErrnoException}
 * naming the call and its arguments when the call fails.
 *
 * <pre>{@code
 * int[] fds = Libc.pipe2(Abi.O_CLOEXEC);
 * try (Arena arena = Arena.ofConfined()) {
 *     Libc.write(fds[1], arena.allocateFrom("x"), 1);
 * } finally {
 *     Libc.close(fds[0]);
 *     Libc.close(fds[1]);
 * }
 * }</pre>
 */
public final class Libc {
    private static final int EINTR = linux_h.EINTR();
    private static final int MAX_SYSCALL_ARGS = 6;

    private static final MethodHandle PIPE2 = capturing(linux_h.pipe2$address(), linux_h.pipe2$descriptor());
    private static final MethodHandle READ = capturing(linux_h.read$address(), linux_h.read$descriptor());
    private static final MethodHandle WRITE = capturing(linux_h.write$address(), linux_h.write$descriptor());
    private static final MethodHandle CLOSE = capturing(linux_h.close$address(), linux_h.close$descriptor());
    private static final MethodHandle OPEN = capturingVariadic(linux_h.open.address(),
            FunctionDescriptor.of(linux_h.C_INT, linux_h.C_POINTER, linux_h.C_INT, linux_h.C_INT), 2);
    private static final MethodHandle MMAP = capturing(linux_h.mmap$address(), linux_h.mmap$descriptor());
    private static final MethodHandle MPROTECT =
            capturing(linux_h.mprotect$address(), linux_h.mprotect$descriptor());
    private static final MethodHandle MUNMAP = capturing(linux_h.munmap$address(), linux_h.munmap$descriptor());
    private static final MethodHandle POLL = capturing(linux_h.poll$address(), linux_h.poll$descriptor());
    private static final MethodHandle PIDFD_OPEN =
            capturing(linux_h.pidfd_open$address(), linux_h.pidfd_open$descriptor());
    private static final MethodHandle PIDFD_SEND_SIGNAL =
            capturing(linux_h.pidfd_send_signal$address(), linux_h.pidfd_send_signal$descriptor());
    private static final MethodHandle[] SYSCALL = syscallHandles();

    private Libc() {}

    // syscall(2) is variadic: one specialised handle per argument count, all arguments as long.
    private static MethodHandle[] syscallHandles() {
        MethodHandle[] handles = new MethodHandle[MAX_SYSCALL_ARGS + 1];
        for (int n = 0; n <= MAX_SYSCALL_ARGS; n++) {
            MemoryLayout[] args = new MemoryLayout[n + 1];
            Arrays.fill(args, linux_h.C_LONG);
            handles[n] = capturingVariadic(linux_h.syscall.address(),
                    FunctionDescriptor.of(linux_h.C_LONG, args), 1)
                    .asSpreader(long[].class, n);
        }
        return handles;
    }

    /** {@code pipe2(2)}: returns {@code {readFd, writeFd}}. */
    public static int[] pipe2(int flags) {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment state = state(arena);
            MemorySegment fds = arena.allocate(ValueLayout.JAVA_INT, 2);
            check((int) PIPE2.invokeExact(state, fds, flags), state, "pipe2", () -> "0x" + Integer.toHexString(flags));
            return new int[] {fds.getAtIndex(ValueLayout.JAVA_INT, 0), fds.getAtIndex(ValueLayout.JAVA_INT, 1)};
        } catch (Throwable t) {
            throw unexpected("pipe2", t);
        }
    }

    /** {@code read(2)} into {@code buf}, retried on EINTR; returns the byte count (0 at EOF). */
    public static long read(int fd, MemorySegment buf, long count) {
        checkBounds(buf, count, "read");
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment state = state(arena);
            while (true) {
                long n = (long) READ.invokeExact(state, fd, buf, count);
                if (n != -1 || Downcalls.errno(state) != EINTR) {
                    return check(n, state, "read", () -> fd + ", " + count);
                }
            }
        } catch (Throwable t) {
            throw unexpected("read", t);
        }
    }

    /** {@code write(2)} from {@code buf}, retried on EINTR; returns the byte count written. */
    public static long write(int fd, MemorySegment buf, long count) {
        checkBounds(buf, count, "write");
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment state = state(arena);
            while (true) {
                long n = (long) WRITE.invokeExact(state, fd, buf, count);
                if (n != -1 || Downcalls.errno(state) != EINTR) {
                    return check(n, state, "write", () -> fd + ", " + count);
                }
            }
        } catch (Throwable t) {
            throw unexpected("write", t);
        }
    }

    private static void checkBounds(MemorySegment buf, long count, String call) {
        if (count < 0 || count > buf.byteSize()) {
            throw new IllegalArgumentException(call + ": count " + count + " outside the buffer of "
                    + buf.byteSize() + " bytes");
        }
    }

    /** {@code close(2)}. EINTR is not retried: on Linux the descriptor is released anyway. */
    public static void close(int fd) {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment state = state(arena);
            check((int) CLOSE.invokeExact(state, fd), state, "close", () -> String.valueOf(fd));
        } catch (Throwable t) {
            throw unexpected("close", t);
        }
    }

    /** {@code open(2)}: returns the new descriptor. */
    public static int open(String path, int flags, int mode) {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment state = state(arena);
            return (int) check((int) OPEN.invokeExact(state, arena.allocateFrom(path), flags, mode), state, "open",
                    () -> "\"" + path + "\", 0x" + Integer.toHexString(flags) + ", 0" + Integer.toOctalString(mode));
        } catch (Throwable t) {
            throw unexpected("open", t);
        }
    }

    /** Anonymous or private {@code mmap(2)} at a kernel-chosen address; the segment spans {@code length}. */
    public static MemorySegment mmap(long length, int prot, int flags) {
        return mmap(length, prot, flags, -1);
    }

    /** {@code mmap(2)} of {@code fd} from offset 0 (or anonymous memory, fd -1) at a kernel-chosen address. */
    @SuppressWarnings("restricted") // the kernel just mapped exactly length bytes there
    public static MemorySegment mmap(long length, int prot, int flags, int fd) {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment state = state(arena);
            MemorySegment addr = (MemorySegment) MMAP.invokeExact(state, MemorySegment.NULL, length, prot, flags, fd, 0L);
            check(addr.address(), state, "mmap", () -> "NULL, " + length + ", 0x" + Integer.toHexString(prot)
                    + ", 0x" + Integer.toHexString(flags) + ", " + fd + ", 0");
            return addr.reinterpret(length);
        } catch (Throwable t) {
            throw unexpected("mmap", t);
        }
    }

    /** {@code mprotect(2)} over the whole of {@code seg}. */
    public static void mprotect(MemorySegment seg, int prot) {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment state = state(arena);
            check((int) MPROTECT.invokeExact(state, seg, seg.byteSize(), prot), state, "mprotect",
                    () -> describe(seg) + ", 0x" + Integer.toHexString(prot));
        } catch (Throwable t) {
            throw unexpected("mprotect", t);
        }
    }

    /** {@code munmap(2)} of the whole of {@code seg}; the segment must not be used afterwards. */
    public static void munmap(MemorySegment seg) {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment state = state(arena);
            check((int) MUNMAP.invokeExact(state, seg, seg.byteSize()), state, "munmap", () -> describe(seg));
        } catch (Throwable t) {
            throw unexpected("munmap", t);
        }
    }

    private static String describe(MemorySegment seg) {
        return "0x" + Long.toHexString(seg.address()) + ", " + seg.byteSize();
    }

    /**
     * {@code poll(2)} over {@code nfds} {@code struct pollfd}s; returns the number of ready
     * descriptors, 0 on timeout or when interrupted by a signal (EINTR).
     */
    public static int poll(MemorySegment pollfds, int nfds, int timeoutMillis) {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment state = state(arena);
            int n = (int) POLL.invokeExact(state, pollfds, (long) nfds, timeoutMillis);
            if (n == -1 && Downcalls.errno(state) == EINTR) {
                return 0;
            }
            return (int) check(n, state, "poll", () -> nfds + " fds, " + timeoutMillis + " ms");
        } catch (Throwable t) {
            throw unexpected("poll", t);
        }
    }

    /**
     * Raw {@code syscall(2)} with up to six integer or address arguments; {@code name} is used
     * only in the exception message.
     */
    public static long syscall(String name, long number, long... args) {
        if (args.length > MAX_SYSCALL_ARGS) {
            throw new IllegalArgumentException("args: a syscall takes at most 6 arguments, got " + args.length);
        }
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment state = state(arena);
            long result = (long) SYSCALL[args.length].invokeExact(state, number, args);
            return check(result, state, name, () -> LongStream.of(args)
                    .mapToObj(Long::toString).collect(Collectors.joining(", ")));
        } catch (Throwable t) {
            throw unexpected(name, t);
        }
    }

    /**
     * {@code memfd_create(2)}: an anonymous file named {@code name} (shown as {@code /memfd:name} in
     * {@code /proc/PID/exe} and {@code /proc/PID/maps}).
     */
    public static int memfdCreate(String name, int flags) {
        try (Arena arena = Arena.ofConfined()) {
            return (int) syscall("memfd_create", SyscallTable.nativeTable().number("memfd_create").orElseThrow(),
                    arena.allocateFrom(name).address(), flags);
        }
    }

    /** {@code fcntl(2)} with an integer argument. */
    public static int fcntl(int fd, int command, long arg) {
        return (int) syscall("fcntl", SyscallTable.nativeTable().number("fcntl").orElseThrow(), fd, command, arg);
    }

    /** {@code ioctl(2)} with a pointer argument (the raw syscall: libc's ioctl adds nothing). */
    public static long ioctl(int fd, long request, MemorySegment arg) {
        return syscall("ioctl", Abi.SYS_ioctl, fd, request, arg.address());
    }

    /** {@code pidfd_open(2)} with no flags: a descriptor referring to process {@code pid}. */
    public static int pidfdOpen(int pid) {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment state = state(arena);
            return (int) check((int) PIDFD_OPEN.invokeExact(state, pid, 0), state, "pidfd_open",
                    () -> String.valueOf(pid));
        } catch (Throwable t) {
            throw unexpected("pidfd_open", t);
        }
    }

    /** {@code pidfd_send_signal(2)} without siginfo or flags. */
    public static void pidfdSendSignal(int pidfd, int signal) {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment state = state(arena);
            check((int) PIDFD_SEND_SIGNAL.invokeExact(state, pidfd, signal, MemorySegment.NULL, 0), state,
                    "pidfd_send_signal", () -> pidfd + ", " + signal);
        } catch (Throwable t) {
            throw unexpected("pidfd_send_signal", t);
        }
    }

    /**
     * {@code pthread_sigmask(3)} for the calling thread; {@code set} or {@code oldSet} may be
     * {@link MemorySegment#NULL}. It reports failure by its return value, not errno.
     */
    public static void sigprocmask(int how, MemorySegment set, MemorySegment oldSet) {
        int error = linux_h.pthread_sigmask(how, set, oldSet);
        if (error != 0) {
            throw new ErrnoException("pthread_sigmask", error, String.valueOf(how));
        }
    }

    /** {@code getuid(2)}; cannot fail. */
    public static int getuid() {
        return linux_h.getuid();
    }

    /** {@code getgid(2)}; cannot fail. */
    public static int getgid() {
        return linux_h.getgid();
    }

    /** {@code geteuid(2)}; cannot fail. */
    public static int geteuid() {
        return linux_h.geteuid();
    }

    /** {@code getegid(2)}; cannot fail. */
    public static int getegid() {
        return linux_h.getegid();
    }

    /** {@code getpid(2)}; cannot fail. */
    public static int getpid() {
        return linux_h.getpid();
    }

    /** {@code gettid(2)}: the id of the calling OS thread; cannot fail. */
    public static int gettid() {
        return linux_h.gettid();
    }

    /** {@code strerror(3)}: the C library's text for {@code errno}. */
    @SuppressWarnings("restricted") // a NUL-terminated C string of unknown length
    public static String strerror(int errno) {
        // glibc returns a pointer to a static or thread-local string; copy it at once.
        return linux_h.strerror(errno).reinterpret(Long.MAX_VALUE).getString(0);
    }
}
