package dev.panamax.sys.internal;

import static dev.panamax.sys.internal.Downcalls.capturingVariadic;
import static dev.panamax.sys.internal.Downcalls.check;
import static dev.panamax.sys.internal.Downcalls.state;
import static dev.panamax.sys.internal.Downcalls.unexpected;

import dev.panamax.bindings.linux_h;
import dev.panamax.sys.ErrnoException;

import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
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

    /*
     * Every call below but strerror and pthread_sigmask goes through syscall(3) with six arguments: one downcall
     * shape, so one downcall stub and one set of lambda forms that the JVM spins cold in each process (a few
     * dozen milliseconds per distinct shape at a command's start; a shape per libc function made a quarter of
     * the panamax command's start). The kernel ignores the arguments a call does not take, and glibc's syscall
     * returns -1 with errno set, as its wrappers do. Pointers go as addresses of live native segments.
     */
    private static final MethodHandle SYSCALL = capturingVariadic(linux_h.syscall.address(),
            FunctionDescriptor.of(linux_h.C_LONG, linux_h.C_LONG, linux_h.C_LONG, linux_h.C_LONG, linux_h.C_LONG,
                    linux_h.C_LONG, linux_h.C_LONG, linux_h.C_LONG), 1);
    private static final long SYS_READ = number("read");
    private static final long SYS_WRITE = number("write");
    private static final long SYS_CLOSE = number("close");
    private static final long SYS_OPENAT = number("openat");
    private static final long SYS_PIPE2 = number("pipe2");
    private static final long SYS_MMAP = number("mmap");
    private static final long SYS_MPROTECT = number("mprotect");
    private static final long SYS_MUNMAP = number("munmap");
    private static final long SYS_PPOLL = number("ppoll");
    private static final long SYS_PIDFD_OPEN = number("pidfd_open");
    private static final long SYS_PIDFD_SEND_SIGNAL = number("pidfd_send_signal");
    private static final long SYS_FCNTL = number("fcntl");
    private static final long SYS_FLOCK = number("flock");
    private static final long SYS_MEMFD_CREATE = number("memfd_create");
    private static final long SYS_GETUID = number("getuid");
    private static final long SYS_GETGID = number("getgid");
    private static final long SYS_GETEUID = number("geteuid");
    private static final long SYS_GETEGID = number("getegid");
    private static final long SYS_GETPID = number("getpid");
    private static final long SYS_GETTID = number("gettid");

    /*
     * flock(2)'s operations, from <sys/file.h> (not in the bindings); the same on every architecture
     * (asm-generic/fcntl.h).
     */
    /** {@code LOCK_SH}: a shared lock. */
    public static final int LOCK_SH = 1;
    /** {@code LOCK_EX}: an exclusive lock. */
    public static final int LOCK_EX = 2;
    /** {@code LOCK_NB}: fail with EWOULDBLOCK rather than wait. */
    public static final int LOCK_NB = 4;

    private Libc() {}

    private static long number(String call) {
        return SyscallTable.nativeTable().number(call).orElseThrow();
    }

    /** The six-argument syscall: -1 with errno in {@code state} on failure. */
    private static long raw(MemorySegment state, long nr, long a, long b, long c, long d, long e, long f)
            throws Throwable {
        return (long) SYSCALL.invokeExact(state, nr, a, b, c, d, e, f);
    }

    /** The address of a native segment that is still alive, as a downcall's pointer parameter requires. */
    private static long address(MemorySegment segment) {
        if (!segment.isNative()) {
            throw new IllegalArgumentException("Heap segment not allowed: " + segment);
        }
        if (!segment.scope().isAlive()) {
            throw new IllegalStateException("Already closed");
        }
        return segment.address();
    }

    /** {@code pipe2(2)}: returns {@code {readFd, writeFd}}. */
    public static int[] pipe2(int flags) {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment state = state(arena);
            MemorySegment fds = arena.allocate(ValueLayout.JAVA_INT, 2);
            check(raw(state, SYS_PIPE2, fds.address(), flags, 0, 0, 0, 0), state, "pipe2", () -> "0x" + Integer.toHexString(flags));
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
                long n = raw(state, SYS_READ, fd, address(buf), count, 0, 0, 0);
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
                long n = raw(state, SYS_WRITE, fd, address(buf), count, 0, 0, 0);
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

    /**
     * {@code flock(2)}, retried on EINTR. The lock belongs to the open file description: it holds until every
     * descriptor of that description is closed, whichever thread took it, and two descriptions of one file
     * conflict also within one process (unlike the process-wide POSIX record locks of {@code FileChannel.lock}).
     */
    public static void flock(int fd, int operation) {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment state = state(arena);
            while (true) {
                long n = raw(state, SYS_FLOCK, fd, operation, 0, 0, 0, 0);
                if (n != -1 || Downcalls.errno(state) != EINTR) {
                    check(n, state, "flock", () -> fd + ", " + operation);
                    return;
                }
            }
        } catch (Throwable t) {
            throw unexpected("flock", t);
        }
    }

    /** {@code close(2)}. EINTR is not retried: on Linux the descriptor is released anyway. */
    public static void close(int fd) {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment state = state(arena);
            check(raw(state, SYS_CLOSE, fd, 0, 0, 0, 0, 0), state, "close", () -> String.valueOf(fd));
        } catch (Throwable t) {
            throw unexpected("close", t);
        }
    }

    /** {@code open(2)}: returns the new descriptor. */
    public static int open(String path, int flags, int mode) {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment state = state(arena);
            return (int) check(raw(state, SYS_OPENAT, Flags.AT_FDCWD.value(), arena.allocateFrom(path).address(), flags,
                    mode, 0, 0), state, "open",
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
            long addr = raw(state, SYS_MMAP, 0, length, prot, flags, fd, 0);
            check(addr, state, "mmap", () -> "NULL, " + length + ", 0x" + Integer.toHexString(prot)
                    + ", 0x" + Integer.toHexString(flags) + ", " + fd + ", 0");
            return MemorySegment.ofAddress(addr).reinterpret(length);
        } catch (Throwable t) {
            throw unexpected("mmap", t);
        }
    }

    /** {@code mprotect(2)} over the whole of {@code seg}. */
    public static void mprotect(MemorySegment seg, int prot) {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment state = state(arena);
            check(raw(state, SYS_MPROTECT, address(seg), seg.byteSize(), prot, 0, 0, 0), state, "mprotect",
                    () -> describe(seg) + ", 0x" + Integer.toHexString(prot));
        } catch (Throwable t) {
            throw unexpected("mprotect", t);
        }
    }

    /** {@code munmap(2)} of the whole of {@code seg}; the segment must not be used afterwards. */
    public static void munmap(MemorySegment seg) {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment state = state(arena);
            check(raw(state, SYS_MUNMAP, address(seg), seg.byteSize(), 0, 0, 0, 0), state, "munmap", () -> describe(seg));
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
            // ppoll, as glibc's poll where the architecture has no poll (arm64); no timespec: wait without end
            MemorySegment timeout = MemorySegment.NULL;
            if (timeoutMillis >= 0) {
                timeout = arena.allocate(ValueLayout.JAVA_LONG, 2);
                timeout.setAtIndex(ValueLayout.JAVA_LONG, 0, timeoutMillis / 1000);
                timeout.setAtIndex(ValueLayout.JAVA_LONG, 1, timeoutMillis % 1000 * 1_000_000L);
            }
            int n = (int) raw(state, SYS_PPOLL, address(pollfds), nfds, timeout.address(), 0, 0, 0);
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
            long[] six = Arrays.copyOf(args, MAX_SYSCALL_ARGS);
            long result = raw(state, number, six[0], six[1], six[2], six[3], six[4], six[5]);
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
            return (int) syscall("memfd_create", SYS_MEMFD_CREATE,
                    arena.allocateFrom(name).address(), flags);
        }
    }

    /** {@code fcntl(2)} with an integer argument. */
    public static int fcntl(int fd, int command, long arg) {
        return (int) syscall("fcntl", SYS_FCNTL, fd, command, arg);
    }

    /** {@code ioctl(2)} with a pointer argument (the raw syscall: libc's ioctl adds nothing). */
    public static long ioctl(int fd, long request, MemorySegment arg) {
        return syscall("ioctl", Abi.SYS_ioctl, fd, request, arg.address());
    }

    /** {@code pidfd_open(2)} with no flags: a descriptor referring to process {@code pid}. */
    public static int pidfdOpen(int pid) {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment state = state(arena);
            return (int) check(raw(state, SYS_PIDFD_OPEN, pid, 0, 0, 0, 0, 0), state, "pidfd_open",
                    () -> String.valueOf(pid));
        } catch (Throwable t) {
            throw unexpected("pidfd_open", t);
        }
    }

    /** {@code pidfd_send_signal(2)} without siginfo or flags. */
    public static void pidfdSendSignal(int pidfd, int signal) {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment state = state(arena);
            check(raw(state, SYS_PIDFD_SEND_SIGNAL, pidfd, signal, 0, 0, 0, 0), state,
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

    /** A call that cannot fail and returns an id. */
    private static int id(long number) {
        try (Arena arena = Arena.ofConfined()) {
            return (int) raw(state(arena), number, 0, 0, 0, 0, 0, 0);
        } catch (Throwable t) {
            throw unexpected("syscall " + number, t);
        }
    }

    /** {@code getuid(2)}; cannot fail. */
    public static int getuid() {
        return id(SYS_GETUID);
    }

    /** {@code getgid(2)}; cannot fail. */
    public static int getgid() {
        return id(SYS_GETGID);
    }

    /** {@code geteuid(2)}; cannot fail. */
    public static int geteuid() {
        return id(SYS_GETEUID);
    }

    /** {@code getegid(2)}; cannot fail. */
    public static int getegid() {
        return id(SYS_GETEGID);
    }

    /** {@code getpid(2)}; cannot fail. */
    public static int getpid() {
        return id(SYS_GETPID);
    }

    /** {@code gettid(2)}: the id of the calling OS thread; cannot fail. */
    public static int gettid() {
        return id(SYS_GETTID);
    }

    /** {@code strerror(3)}: the C library's text for {@code errno}. */
    @SuppressWarnings("restricted") // a NUL-terminated C string of unknown length
    public static String strerror(int errno) {
        // glibc returns a pointer to a static or thread-local string; copy it at once.
        return linux_h.strerror(errno).reinterpret(Long.MAX_VALUE).getString(0);
    }
}
