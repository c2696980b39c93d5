package dev.panamax.sys.internal;

import java.lang.foreign.*;
import java.lang.invoke.MethodHandle;
import java.lang.invoke.VarHandle;

/** TEMPORARY stand-in until the bindings-based sys layer lands. Same signatures. */
public final class Libc {
    private Libc() {}
    private static final Linker LINKER = Linker.nativeLinker();
    private static final SymbolLookup LIBC = LINKER.defaultLookup();
    private static final StructLayout CAPTURE = Linker.Option.captureStateLayout();
    private static final VarHandle ERRNO = CAPTURE.varHandle(MemoryLayout.PathElement.groupElement("errno"));
    private static final ValueLayout.OfLong L = ValueLayout.JAVA_LONG;
    private static final MethodHandle SYSCALL = LINKER.downcallHandle(LIBC.find("syscall").orElseThrow(),
            FunctionDescriptor.of(L, L, L, L, L, L, L, L), Linker.Option.firstVariadicArg(1), Linker.Option.captureCallState("errno"));
    private static final MethodHandle STRERROR = LINKER.downcallHandle(LIBC.find("strerror").orElseThrow(),
            FunctionDescriptor.of(ValueLayout.ADDRESS, ValueLayout.JAVA_INT));
    private static final MethodHandle SIGMASK = LINKER.downcallHandle(LIBC.find("pthread_sigmask").orElseThrow(),
            FunctionDescriptor.of(ValueLayout.JAVA_INT, ValueLayout.JAVA_INT, ValueLayout.ADDRESS, ValueLayout.ADDRESS));

    public static long syscall(String name, long nr, long... a) {
        long[] x = new long[6];
        System.arraycopy(a, 0, x, 0, a.length);
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment st = arena.allocate(CAPTURE);
            long r = (long) SYSCALL.invokeExact(st, nr, x[0], x[1], x[2], x[3], x[4], x[5]);
            if (r == -1) {
                int e = (int) ERRNO.get(st, 0L);
                throw new dev.panamax.sys.ErrnoException(name, e, null);
            }
            return r;
        } catch (RuntimeException e) { throw e; } catch (Throwable t) { throw new AssertionError(t); }
    }
    public static int[] pipe2(int flags) {
        try (Arena a = Arena.ofConfined()) {
            MemorySegment fds = a.allocate(8);
            syscall("pipe2", 293, fds.address(), flags);
            return new int[] {fds.get(ValueLayout.JAVA_INT, 0), fds.get(ValueLayout.JAVA_INT, 4)};
        }
    }
    public static long read(int fd, MemorySegment buf, long n) { return syscall("read", 0, fd, buf.address(), n); }
    public static long write(int fd, MemorySegment buf, long n) { return syscall("write", 1, fd, buf.address(), n); }
    public static void close(int fd) { syscall("close", 3, fd); }
    public static MemorySegment mmap(long len, int prot, int flags) {
        return MemorySegment.ofAddress(syscall("mmap", 9, 0, len, prot, flags, -1, 0)).reinterpret(len);
    }
    public static void mprotect(MemorySegment s, int prot) { syscall("mprotect", 10, s.address(), s.byteSize(), prot); }
    public static void munmap(MemorySegment s) { syscall("munmap", 11, s.address(), s.byteSize()); }
    public static int poll(MemorySegment fds, int n, int t) { return (int) syscall("poll", 7, fds.address(), n, t); }
    public static int pidfdOpen(int pid) { return (int) syscall("pidfd_open", 434, pid, 0); }
    public static void pidfdSendSignal(int pidfd, int sig) { syscall("pidfd_send_signal", 424, pidfd, sig, 0, 0); }
    public static void sigprocmask(int how, MemorySegment set, MemorySegment old) {
        try {
            int r = (int) SIGMASK.invokeExact(how, set, old);
            if (r != 0) throw new RuntimeException("pthread_sigmask " + r);
        } catch (RuntimeException e) { throw e; } catch (Throwable t) { throw new AssertionError(t); }
    }
    public static int getpid() { return (int) syscall("getpid", 39); }
    public static int getuid() { return (int) syscall("getuid", 102); }
    public static int geteuid() { return (int) syscall("geteuid", 107); }
    public static int open(String path, int flags, int mode) {
        try (Arena a = Arena.ofConfined()) { return (int) syscall("open", 2, a.allocateFrom(path).address(), flags, mode); }
    }
    public static int getgid() { return (int) syscall("getgid", 104); }
    public static String strerror(int e) {
        try { return ((MemorySegment) STRERROR.invokeExact(e)).reinterpret(256).getString(0); }
        catch (Throwable t) { throw new AssertionError(t); }
    }
}
